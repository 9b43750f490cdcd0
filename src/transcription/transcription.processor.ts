import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { type JobData, type JobOutcome, readJobData } from '../jobs/job-catalogue';
import type { JobRecord } from '../jobs/job-record';
import { type TranscribeJob, TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { CancelFlags } from '../results/cancel-flags.repository';
import { ResultStore, type SaveOutcome } from '../results/result-store.repository';
import { taskFactsOf } from '../tasks/task-facts';
import { TaskIndex } from '../tasks/task-index.repository';
import { TaskRetention } from '../tasks/task-retention';
import { TaskEventsPublisher } from '../results/task-events.publisher';
import { UploadFiles } from '../upload/upload-files';
import { WebhookNotifier } from '../webhooks/webhook-notifier';
import { classifyJobFailure, JobCancelledError, JobTimeoutError, WorkerShutdownError } from './job-errors';
import { LiveSegments } from './live-segments';
import { ProgressReporter } from './progress-reporter';
import { TranscriptionPipeline } from './transcription.pipeline';

/** How long aborted jobs get to unwind (native work stops between whisper.cpp windows) at shutdown. */
const ABORT_SETTLE_MS = 10_000;
/** How often running jobs are checked for a cancellation request (DELETE /result/{task_id}). */
const CANCEL_POLL_MS = 500;

/** Thrown to Bull so the job is recorded as failed; the client already has the message in its result. */
class TranscriptionFailedError extends Error {
  override readonly name = 'TranscriptionFailedError';
}

/**
 * The worker: takes transcription jobs from Bull (WORKER_CONCURRENCY at a time), runs the pipeline
 * under the job's deadline, stores the result, and deletes the upload however the job ends. On
 * shutdown it stops taking jobs, lets running ones finish within SHUTDOWN_GRACE_MS, and hands the
 * rest back to the queue (upload kept) for another worker.
 */
@Injectable()
export class TranscriptionProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TranscriptionProcessor.name);
  private readonly running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  /** Jobs this process handed back: Bull reports them as failed attempts, which they are not. */
  private readonly handedBack = new Set<string>();

  constructor(
    private readonly queue: TranscriptionQueueRepository,
    private readonly pipeline: TranscriptionPipeline,
    private readonly results: ResultStore,
    private readonly files: UploadFiles,
    private readonly config: AppConfig,
    private readonly cancelFlags: CancelFlags,
    private readonly webhooks: WebhookNotifier,
    private readonly tasks: TaskIndex,
    private readonly retention: TaskRetention,
    private readonly events: TaskEventsPublisher,
  ) {}

  private cancelPoll: NodeJS.Timeout | null = null;

  onApplicationBootstrap(): void {
    // After every module's onModuleInit, so the models are loaded before the first job arrives.
    this.queue.process(this.config.jobs.concurrency, (job) => this.handleTranscribe(job));
    this.queue.onFailed((job) => void this.handleGivenUp(job));
    this.cancelPoll = setInterval(() => void this.abortCancelled(), CANCEL_POLL_MS).unref();
    this.logger.log(`worker started: ${this.config.jobs.concurrency} job(s) at a time`);
  }

  /**
   * Runs while Redis is still open: stop taking jobs, give running ones the grace period, then abort
   * them so that they go back to the queue rather than run on unowned.
   */
  async onModuleDestroy(): Promise<void> {
    if (this.cancelPoll) clearInterval(this.cancelPoll);
    const graceMs = this.config.jobs.shutdownGraceMs;
    // If Redis is unreachable the pause cannot complete; the grace period still bounds the stop.
    await withinMs(
      this.queue.stopTaking().catch((error: unknown) => {
        this.logger.warn(`could not pause the queue locally: ${String(error)}`);
      }),
      graceMs,
    );
    if (this.running.size === 0) return;
    this.logger.log(`stopping: ${this.running.size} running job(s) get ${graceMs} ms to finish`);
    if (await withinMs(this.allDone(), graceMs)) return;
    const left = [...this.running.values()];
    this.logger.warn(`stopping: handing ${left.length} unfinished job(s) back to the queue`);
    for (const job of left) job.controller.abort(new WorkerShutdownError());
    await withinMs(this.allDone(), ABORT_SETTLE_MS);
  }

  handleTranscribe(job: TranscribeJob): Promise<JobOutcome | undefined> {
    const controller = new AbortController();
    const done = this.run(job, controller).finally(() => this.running.delete(job.data.taskId));
    this.running.set(job.data.taskId, { controller, done });
    return done;
  }

  /** The API raised a cancel flag in Redis: abort that job's work (native work included). */
  private async abortCancelled(): Promise<void> {
    if (this.running.size === 0) return;
    try {
      for (const taskId of await this.cancelFlags.raisedAmong([...this.running.keys()])) {
        const job = this.running.get(taskId);
        if (job && !job.controller.signal.aborted) job.controller.abort(new JobCancelledError());
      }
    } catch (error) {
      this.logger.warn(`could not check for cancelled tasks: ${String(error)}`);
    }
  }

  private async allDone(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((job) => job.done));
  }

  /** The job's outcome when it ran to a stored result; nothing when it was skipped or cancelled. */
  private async run(job: TranscribeJob, controller: AbortController): Promise<JobOutcome | undefined> {
    const data = readJobData(job.data);
    const { taskId, filePath } = data;
    // Both checks in one round trip (auto-pipelined): each job waits for them before it starts.
    const [earlier, cancelled] = await Promise.all([
      this.results.find(taskId),
      this.cancelFlags.isRaised(taskId),
    ]);
    // A worker that died between storing the result and acknowledging the job leaves it to be run
    // again: the stored (or already delivered) result stands, and the client sees it only once.
    if (earlier) {
      this.logger.warn(`task ${taskId} already has a result from an earlier run; not run again`);
      await this.files.remove(filePath);
      // The earlier run may have died before queueing its webhook (queueing is idempotent) or before
      // its listing record said so.
      await this.webhooks.taskEnded(data, earlier.record);
      if (earlier.record) await this.noteFinished(job, data, { status: earlier.record.status });
      return;
    }
    // Cancelled while waiting, but taken by this worker before the API could remove it.
    if (cancelled) {
      this.logger.log(`task ${taskId} was cancelled before it started`);
      await this.files.remove(filePath);
      return;
    }
    this.logger.log(`task ${taskId} started`);
    await this.noteTask(taskId, this.tasks.started(this.factsOf(job, data), this.retention.unfinished(data)));
    const limitMs = this.config.jobs.timeoutMs;
    // The deadline aborts the native work itself (whisper.cpp's abort callback, ffmpeg, ONNX between windows).
    const deadline = setTimeout(() => controller.abort(new JobTimeoutError(limitMs)), limitMs);
    // Progress goes to the job (GET /result) and to the event streams (GET /result/{task_id}/events).
    const progress = new ProgressReporter((value) =>
      Promise.all([job.progress(value), this.events.progress(taskId, value)]),
    );
    const segments = new LiveSegments(taskId, this.events);
    const started = Date.now();
    let keepUpload = false;
    try {
      await this.events.reset(taskId);
      const record = await this.pipeline.run(data, {
        signal: controller.signal,
        report: progress.report,
        onSegment: segments.report,
      });
      await Promise.all([progress.flush(), segments.flush()]);
      const audioSeconds =
        record.kind === 'transcript' ? record.transcript.durationSeconds : record.durationSeconds;
      const outcome = await this.store(data, record);
      if (outcome === 'cancelled') {
        this.logger.log(`task ${taskId} cancelled after ${Date.now() - started} ms (result not stored)`);
        return;
      }
      if (outcome === 'stored') await this.noteFinished(job, data, { status: 'completed', audioSeconds });
      this.logger.log(`task ${taskId} completed in ${Date.now() - started} ms`);
      return { audioSeconds };
    } catch (error) {
      await progress.flush();
      // The owner's cancel deletes the upload at once, so the pipeline may fail (ffmpeg finds no
      // file) before this worker's poll aborts it: the flag, not the error, says what happened.
      if (await this.wasCancelled(taskId, controller.signal)) {
        // Nothing is stored: the owner asked for the task to disappear, later GETs answer pending.
        // The text streamed so far goes too.
        await this.events.reset(taskId).catch(() => undefined);
        this.logger.log(`task ${taskId} cancelled after ${Date.now() - started} ms`);
        return;
      }
      if (controller.signal.reason instanceof WorkerShutdownError && this.canHandBack(job)) {
        // Back to the queue with its upload; another worker (or this one, restarted) runs it.
        keepUpload = true;
        this.handedBack.add(taskId);
        this.logger.warn(`task ${taskId} handed back to the queue after ${Date.now() - started} ms`);
        throw controller.signal.reason;
      }
      const failure = classifyJobFailure(error, controller.signal, filePath);
      const outcome = await this.store(data, { status: 'failed', kind: 'failure', ...failure });
      if (outcome === 'cancelled') {
        this.logger.log(`task ${taskId} cancelled after ${Date.now() - started} ms (failure not stored)`);
        return;
      }
      if (outcome === 'stored') await this.noteFinished(job, data, { status: 'failed' });
      this.logger.warn(`task ${taskId} failed after ${Date.now() - started} ms: ${failure.message}`);
      // Failures about the input or the deadline are no fault of the server: no stack trace needed.
      if (failure.code === 'internal') {
        this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      }
      // Retries are only for hand-backs: the same input would fail the same way.
      await job.discard();
      throw new TranscriptionFailedError(failure.message);
    } finally {
      clearTimeout(deadline);
      if (!keepUpload) await this.files.remove(filePath);
    }
  }

  /** Bull retries a failed attempt while attempts remain; past them a hand-back would lose the job. */
  private canHandBack(job: TranscribeJob): boolean {
    return job.attemptsMade + 1 < (job.opts.attempts ?? 1);
  }

  /**
   * The first result stored for a task wins (a job run twice, its lock lapsed, is seen once), and
   * none is stored for a cancelled task. Kept for the task's retention (delete_after or
   * RESULT_TTL_MS). A stored result is followed by its webhook, if any.
   */
  private async store(data: JobData, record: JobRecord): Promise<SaveOutcome> {
    const outcome = await this.results.saveIfAbsent(data.taskId, data.owner, record, this.retention.of(data));
    if (outcome === 'exists') {
      this.logger.warn(`task ${data.taskId} already had a result stored by another run; kept that one`);
    }
    if (outcome === 'stored') await this.webhooks.taskEnded(data, record);
    return outcome;
  }

  /** Bull's creation time stands in for a record the API never wrote (a job of the previous version). */
  private factsOf(job: TranscribeJob, data: JobData): ReturnType<typeof taskFactsOf> {
    return taskFactsOf(data, job.timestamp);
  }

  private noteFinished(
    job: TranscribeJob,
    data: JobData,
    outcome: { status: 'completed' | 'failed'; audioSeconds?: number | null },
  ): Promise<void> {
    const write = this.tasks.finished(this.factsOf(job, data), outcome, this.retention.of(data));
    return this.noteTask(data.taskId, write);
  }

  /** The task list is a view: failing to update it must not fail the job. */
  private async noteTask(taskId: string, write: Promise<unknown>): Promise<void> {
    try {
      await write;
    } catch (error) {
      this.logger.warn(`could not update the task list record of ${taskId}: ${String(error)}`);
    }
  }

  /** Cancelled by its owner: seen by the abort signal, or in Redis before the poll noticed. */
  private async wasCancelled(taskId: string, signal: AbortSignal): Promise<boolean> {
    if (signal.reason instanceof JobCancelledError) return true;
    return this.cancelFlags.isRaised(taskId).catch(() => false);
  }

  /**
   * Bull fails a job without our handler when it stalled too often (a worker died or lost its lock).
   * The client then still gets a `failed` result, and the upload is deleted. For jobs our handler
   * failed itself this finds the result already stored and changes nothing.
   */
  private async handleGivenUp(job: TranscribeJob | null): Promise<void> {
    if (!job?.data?.taskId) return;
    const data = readJobData(job.data);
    const { taskId, owner, filePath } = data;
    if (this.handedBack.delete(taskId)) return;
    try {
      const record: JobRecord = {
        status: 'failed',
        kind: 'failure',
        code: 'interrupted',
        message: 'processing was interrupted (the worker stopped or stalled) and the task was given up',
      };
      // Jobs our handler failed itself already have their result: then nothing changes here.
      if ((await this.results.saveIfAbsent(taskId, owner, record, this.retention.of(data))) === 'stored') {
        this.logger.warn(`task ${taskId} was given up by the queue after stalling`);
        await this.webhooks.taskEnded(data, record);
        await this.noteFinished(job, data, { status: 'failed' });
      }
    } catch (error) {
      this.logger.warn(`could not record the failure of task ${taskId}: ${String(error)}`);
    }
    await this.files.remove(filePath);
  }
}

/** Resolves true when `work` settles within `ms`, false when the time runs out first. */
async function withinMs(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
