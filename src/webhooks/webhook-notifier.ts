import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { parseAllowedHosts, taskWebhookPayload, type TaskOutcome } from '../../libs/webhooks';
import { AppConfig } from '../config/app-config';
import type { JobData } from '../jobs/job-catalogue';
import type { StoredRecord } from '../jobs/job-record';
import { contractBody } from '../results/contract-body';
import { WebhookQueueRepository } from './webhook-queue.repository';

/**
 * Worker role: when a task with a callback_url ends, queues its outcome for delivery (in Redis,
 * see WebhookDeliveryProcessor). Called by the transcription worker right after it stored the
 * task's result and before it acknowledges the job, so that a worker dying in between runs the job
 * again and queues the delivery then. Cancelled tasks store nothing and send nothing.
 */
@Injectable()
export class WebhookNotifier {
  private readonly logger = new Logger(WebhookNotifier.name);
  private readonly enabled: boolean;

  constructor(
    private readonly queue: WebhookQueueRepository,
    config: AppConfig,
  ) {
    const { allowedHosts, secret } = config.webhooks;
    this.enabled = parseAllowedHosts(allowedHosts).rules.length > 0 && Boolean(secret);
  }

  /** `record`: the task's stored result, null when it was already delivered to its owner. */
  async taskEnded(job: JobData, record: StoredRecord | null): Promise<void> {
    const url = job.callbackUrl;
    if (!url) return;
    const { taskId } = job;
    if (!this.enabled) {
      this.logger.warn(`task ${taskId}: no webhook sent: this worker has no WEBHOOK_ALLOWED_HOSTS/SECRET`);
      return;
    }
    const outcome = outcomeOf(record);
    const deliveryId = randomUUID();
    try {
      await this.queue.enqueue({
        deliveryId,
        taskId,
        url,
        payload: taskWebhookPayload(taskId, outcome.status, outcome.error),
        ...(job.callbackAuthHeader ? { authHeader: job.callbackAuthHeader } : {}),
        attemptsSent: 0,
      });
      this.logger.log(`task ${taskId}: webhook (${outcome.status}) queued`);
    } catch (error) {
      this.logger.warn(`task ${taskId}: no webhook queued: ${String(error)}`);
    }
  }
}

function outcomeOf(record: StoredRecord | null): { status: TaskOutcome; error?: string } {
  // Already delivered: the owner fetched a result, so the task did end that way; it completed.
  if (record === null) return { status: 'completed' };
  const body = contractBody(record);
  return body.status === 'failed' ? { status: 'failed', error: body.error } : { status: 'completed' };
}
