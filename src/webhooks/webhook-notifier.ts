import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  parseAllowedHosts,
  taskWebhookPayload,
  type TaskOutcome,
  WebhookDispatcher,
  type WebhookEvent,
} from '../../libs/webhooks';
import { AppConfig } from '../config/app-config';
import { type TranscribeJob, TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { contractBody } from '../results/contract-body';
import { ResultStore } from '../results/result-store.repository';

/** How long a closing worker lets pending webhook deliveries finish. */
const CLOSE_GRACE_MS = 10_000;
/** A job the queue gave up gets its failed result written by the processor a moment after the event. */
const GIVEN_UP_RECHECK_MS = 1000;

/**
 * Worker role: when a job with a callback_url ends, POSTs its outcome through one dispatcher
 * (signed, retried in the background: the worker never waits on a receiver). The outcome is read
 * from the stored result, so a job handed back to the queue (no result yet) sends nothing.
 */
@Injectable()
export class WebhookNotifier implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookNotifier.name);
  private readonly dispatcher: WebhookDispatcher | null;

  constructor(
    private readonly queue: TranscriptionQueueRepository,
    private readonly results: ResultStore,
    config: AppConfig,
  ) {
    const { allowedHosts, secret } = config.webhooks;
    const hosts = parseAllowedHosts(allowedHosts);
    this.dispatcher =
      hosts.rules.length > 0 && secret
        ? new WebhookDispatcher({
            secret,
            allowedHosts: hosts,
            onEvent: (event) => this.log(event),
            warn: (message) => this.logger.warn(message),
          })
        : null;
  }

  onApplicationBootstrap(): void {
    if (!this.dispatcher) return;
    this.queue.onWorkerEvent('completed', (job) => void this.notify(job, 'completed'));
    this.queue.onWorkerEvent('failed', (job) => void this.notify(job, 'failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    const closed = await this.dispatcher?.close(CLOSE_GRACE_MS);
    if (closed?.abandoned) this.logger.warn(`${closed.abandoned} webhook(s) abandoned at shutdown`);
  }

  private async notify(job: TranscribeJob | null, event: TaskOutcome): Promise<void> {
    const url = job?.data?.callbackUrl;
    if (!job || !url || !this.dispatcher) return;
    const { taskId } = job.data;
    try {
      let outcome = await this.outcome(taskId);
      if (!outcome && event === 'failed') {
        await new Promise((resolve) => setTimeout(resolve, GIVEN_UP_RECHECK_MS));
        outcome = await this.outcome(taskId);
      }
      // Completed without a readable body: the client already fetched it, so it did complete.
      if (!outcome && event === 'completed') outcome = { status: 'completed' };
      if (!outcome) return;
      const id = this.dispatcher.dispatch({
        url,
        payload: taskWebhookPayload(taskId, outcome.status, outcome.error),
      });
      this.logger.log(`task ${taskId}: webhook ${id} (${outcome.status}) queued`);
    } catch (error) {
      this.logger.warn(`task ${taskId}: no webhook sent: ${String(error)}`);
    }
  }

  private async outcome(taskId: string): Promise<{ status: TaskOutcome; error?: string } | null> {
    const stored = await this.results.find(taskId);
    if (!stored) return null;
    if (stored.record === null) return { status: 'completed' };
    const body = contractBody(stored.record);
    return body.status === 'failed' ? { status: 'failed', error: body.error } : { status: 'completed' };
  }

  private log(event: WebhookEvent): void {
    const line = `webhook ${event.id} to ${event.target}: ${event.type} after ${event.attempt} attempt(s)`;
    if (event.type === 'delivered' || event.type === 'retrying') this.logger.log(line);
    else this.logger.warn(`${line}${'reason' in event ? ` (${String(event.reason)})` : ''}`);
  }
}
