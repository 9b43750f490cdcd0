import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Job, JobOptions, Queue } from 'bull';
import { AppConfig } from '../config/app-config';
import { JobName, type JobPayloads, QueueName, type WebhookJobData } from '../jobs/job-catalogue';

export type WebhookJob = Job<JobPayloads[JobName.DeliverWebhook]>;

/** Attempts per delivery, the first included: waits of about 2, 4, 8, 16, 32 s in between. */
export const WEBHOOK_ATTEMPTS = 6;
/** The custom backoff (see webhooks.module.ts): exponential with jitter, honouring Retry-After. */
export const WEBHOOK_BACKOFF = 'webhook';

/**
 * The webhook deliveries in Bull: queued by the worker that ends a task, sent by any worker. Living
 * in Redis, a delivery and its retry schedule survive the death of the process that queued or tried it.
 */
@Injectable()
export class WebhookQueueRepository {
  constructor(
    @InjectQueue(QueueName.Webhooks) private readonly queue: Queue<JobPayloads[JobName.DeliverWebhook]>,
    private readonly config: AppConfig,
  ) {}

  /**
   * Queues the task's one delivery. Its job id is the task id: a job run twice (its worker died
   * after storing the result) queues it once, while the first one is still known to Bull.
   */
  async enqueue(data: WebhookJobData): Promise<void> {
    await this.queue.add(JobName.DeliverWebhook, data, this.jobOptions(data.taskId));
  }

  process(concurrency: number, handler: (job: WebhookJob) => Promise<void>): void {
    void this.queue.process(JobName.DeliverWebhook, concurrency, handler);
  }

  private jobOptions(taskId: string): JobOptions {
    const keepSeconds = Math.ceil(this.config.results.ttlMs / 1000);
    return {
      jobId: taskId,
      attempts: WEBHOOK_ATTEMPTS,
      backoff: { type: WEBHOOK_BACKOFF },
      // Kept as long as the task's result: what deduplicates a second queueing of the same task.
      removeOnComplete: { age: keepSeconds },
      removeOnFail: { age: keepSeconds },
    };
  }
}
