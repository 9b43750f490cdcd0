import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Job, JobOptions, Queue } from 'bull';
import { runInTask } from '../common/task-context';
import { AppConfig } from '../config/app-config';
import { type JobData, JobName, type JobOutcome, type JobPayloads, QueueName } from './job-catalogue';

/** A queued job as Bull holds it: its data may come from the previous version (see readJobData). */
export type TranscribeJob = Job<JobPayloads[JobName.Transcribe]>;

/** How many times stopping workers may hand one job back to the queue before it fails. */
export const MAX_HAND_BACKS = 2;

/** What a task looks like in the queue, as far as a client may know. */
export type QueuedTaskState =
  | { kind: 'unknown' }
  | { kind: 'waiting'; owner: string; retentionMs?: number }
  | { kind: 'active'; owner: string; progress: unknown; retentionMs?: number }
  | { kind: 'finished'; owner: string };

/**
 * The only class that touches the transcription queue: enqueueing, lookups and worker registration.
 * Job options are decided here, in one place (webhook deliveries have their own, WebhookQueueRepository).
 */
@Injectable()
export class TranscriptionQueueRepository {
  constructor(
    @InjectQueue(QueueName.Transcription) private readonly queue: Queue<JobPayloads[JobName.Transcribe]>,
    private readonly config: AppConfig,
  ) {}

  async enqueue(data: JobData): Promise<void> {
    await this.queue.add(JobName.Transcribe, data, this.jobOptions(data.taskId));
  }

  /**
   * One Redis command on the job's hash (Bull's `<prefix>:<queue>:<id>`), reading only the fields
   * needed: this runs for every poll, so it skips building a Bull Job (all fields, parsed options).
   */
  async lookup(taskId: string): Promise<QueuedTaskState> {
    const [data, processedOn, finishedOn, progress] = await this.queue.client.hmget(
      this.queue.toKey(taskId),
      'data',
      'processedOn',
      'finishedOn',
      'progress',
    );
    const parsed = data === null ? null : (parseJson(data) as Partial<JobData> | null);
    const owner = typeof parsed?.owner === 'string' ? parsed.owner : undefined;
    if (owner === undefined) return { kind: 'unknown' };
    if (finishedOn) return { kind: 'finished', owner };
    const retention = typeof parsed?.retentionMs === 'number' ? { retentionMs: parsed.retentionMs } : {};
    // processedOn is set when a worker takes the job (moveToActive).
    if (processedOn) return { kind: 'active', owner, progress: parseJson(progress), ...retention };
    return { kind: 'waiting', owner, ...retention };
  }

  /** Registers the worker's handler; only worker processes call this. */
  process(concurrency: number, handler: (job: TranscribeJob) => Promise<JobOutcome | undefined>): void {
    // Every log line written while the job runs carries its task id (see task-context).
    void this.queue.process(JobName.Transcribe, concurrency, (job: TranscribeJob) =>
      runInTask(job.data.taskId, () => handler(job)),
    );
  }

  /**
   * Stops this process taking new jobs (a local pause: other workers go on); running jobs carry on
   * and, when they end, no next job is fetched.
   */
  async stopTaking(): Promise<void> {
    await this.queue.pause(true, true);
  }

  /**
   * This process's worker events (Bull emits them locally): what metrics, webhooks and logs follow.
   * `progress` passes the progress value, `failed` the error, `completed` the handler's result.
   */
  onWorkerEvent(
    event: 'active' | 'progress' | 'completed' | 'failed',
    listener: (job: TranscribeJob, detail: unknown) => void,
  ): void {
    this.queue.on(event, listener);
  }

  /** Failures the handler did not see itself: a job that stalled too often, a crashed worker's job. */
  onFailed(listener: (job: TranscribeJob | null, error: Error) => void): void {
    this.queue.on('failed', listener);
  }

  /**
   * Removes a job that no worker holds; false when it is running (locked by a worker) or gone. Bull
   * refuses to remove a locked job, so a job taken meanwhile is left to its worker's cancel check.
   */
  async removeIfNotRunning(taskId: string): Promise<boolean> {
    const job = await this.queue.getJob(taskId);
    if (!job) return false;
    try {
      await job.remove();
      return true;
    } catch {
      return false;
    }
  }

  async jobExists(taskId: string): Promise<boolean> {
    return (await this.queue.getJob(taskId)) !== null;
  }

  async ping(): Promise<void> {
    await this.queue.client.ping();
  }

  /** Jobs in each of Bull's states, for the queue gauges of /metrics. */
  async stateCounts(): Promise<Record<'waiting' | 'active' | 'delayed' | 'failed' | 'paused', number>> {
    const counts = await this.queue.getJobCounts();
    return {
      waiting: counts.waiting,
      active: counts.active,
      delayed: counts.delayed,
      failed: counts.failed,
      paused: (counts as { paused?: number }).paused ?? 0,
    };
  }

  async counts(): Promise<{ waiting: number; active: number }> {
    const counts = await this.queue.getJobCounts();
    return { waiting: counts.waiting, active: counts.active };
  }

  private jobOptions(taskId: string): JobOptions {
    return {
      // The task id is the job id: a random UUID, so ids are not guessable or countable.
      jobId: taskId,
      // Only a job handed back by a stopping worker is retried (the processor discards every
      // other failure: a failing decode would fail again); stalls are retried by Bull's own
      // stalled-job check (maxStalledCount).
      attempts: 1 + MAX_HAND_BACKS,
      // Results live in their own keys (ResultStore); finished jobs are only kept long enough for
      // the failure listener of another worker to read a stalled job's data.
      removeOnComplete: true,
      removeOnFail: { age: Math.ceil(this.config.results.ttlMs / 1000) },
    };
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
