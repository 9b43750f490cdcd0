import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  type AllowedHosts,
  attemptWebhook,
  type AttemptOutcome,
  parseAllowedHosts,
  systemResolve,
} from '../../libs/webhooks';
import { AppConfig } from '../config/app-config';
import { WEBHOOK_ATTEMPTS, type WebhookJob, WebhookQueueRepository } from './webhook-queue.repository';

/** Requests in flight at once per worker process. */
const DELIVERY_CONCURRENCY = 8;
/** Limit on one attempt, connection to end of answer. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/** A failed attempt worth repeating; Bull's backoff strategy reads the receiver's Retry-After from it. */
export class RetryableDeliveryError extends Error {
  override readonly name = 'RetryableDeliveryError';
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
  }
}

/** An outcome that no retry can change (refused address, 4xx): the job fails without further attempts. */
class FinalDeliveryError extends Error {
  override readonly name = 'FinalDeliveryError';
}

/**
 * Worker role: sends the queued webhook deliveries, one signed attempt per Bull attempt. A
 * delivery that needs another try goes back to Bull as delayed (in Redis), so the retry happens
 * even if this process dies meanwhile; one whose worker dies mid-attempt is picked up again by
 * Bull's stalled-job check. Either way it keeps its X-Webhook-Id: receivers get it at least once.
 */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private readonly allowedHosts: AllowedHosts;

  constructor(
    private readonly queue: WebhookQueueRepository,
    private readonly config: AppConfig,
  ) {
    this.allowedHosts = parseAllowedHosts(config.webhooks.allowedHosts);
  }

  onApplicationBootstrap(): void {
    // Without a secret nothing can be signed; the API refuses callback_url then anyway.
    if (!this.config.webhooks.secret || this.allowedHosts.rules.length === 0) return;
    this.queue.process(DELIVERY_CONCURRENCY, (job) => this.handleDelivery(job));
  }

  async handleDelivery(job: WebhookJob): Promise<void> {
    const { deliveryId, url, payload, authHeader } = job.data;
    const attempt = job.data.attemptsSent + 1;
    // Counted in Redis before sending: an attempt cut short by a crash still counts.
    await job.update({ ...job.data, attemptsSent: attempt });
    const outcome = await attemptWebhook(
      { id: deliveryId, url, body: JSON.stringify(payload), attempt, authHeader },
      {
        secret: this.config.webhooks.secret as string,
        allowedHosts: this.allowedHosts,
        timeoutMs: ATTEMPT_TIMEOUT_MS,
        resolve: systemResolve,
      },
    );
    this.log(job, attempt, outcome);
    switch (outcome.kind) {
      case 'delivered':
        return;
      case 'retry':
        throw new RetryableDeliveryError(outcome.error, outcome.retryAfterMs);
      case 'refused':
      case 'rejected':
        await job.discard();
        throw new FinalDeliveryError(outcome.error);
    }
  }

  /** Origin, path, outcome: never the query (it may carry a token) nor the auth header. */
  private log(job: WebhookJob, attempt: number, outcome: AttemptOutcome): void {
    const { deliveryId, taskId, url } = job.data;
    const line = `task ${taskId}: webhook ${deliveryId} to ${describeTarget(url)}, attempt ${attempt}`;
    if (outcome.kind === 'delivered') {
      this.logger.log(`${line}: delivered (${outcome.status})`);
    } else if (outcome.kind === 'retry' && job.attemptsMade + 1 < WEBHOOK_ATTEMPTS) {
      this.logger.log(`${line}: ${outcome.error}; will retry`);
    } else {
      const why = outcome.kind === 'retry' ? 'exhausted' : outcome.kind;
      this.logger.warn(`${line}: failed (${why}): ${outcome.error}`);
    }
  }
}

function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
