import path from 'node:path';
import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { SpeakerTurn } from '../../libs/diarization';
import { renderTranscript, TEXT_FORMAT_CONTENT_TYPES, type TextFormat } from '../../libs/formats';
import type { ResultEntry } from '../../libs/pipeline';
import { isJobProgress, type JobProgress } from '../jobs/job-catalogue';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { isTaskId } from '../jobs/task-id';
import { TaskIndex } from '../tasks/task-index.repository';
import { TaskRetention } from '../tasks/task-retention';
import { UploadFiles } from '../upload/upload-files';
import { CancelFlags } from './cancel-flags.repository';
import { contractBody } from './contract-body';
import type { CancelledResponseDto } from './dto/result-response.dto';
import { ResultStore } from './result-store.repository';
import type { ResultBody } from './result-types';
import { ResultWaiter } from './result-waiter';

/** What GET /result may deliver: the contract's JSON (default) or a text rendering of it. */
export type ResultFormat = 'json' | TextFormat;

/** What GET /result answers, and what to do once that answer has been completely written. */
export interface ResultAnswer {
  /** The response body: JSON, or the text format asked for when the task completed. */
  json: string;
  /** Absent for JSON (every answer but a completed result in a text format). */
  contentType?: string;
  /** Present for a finished result: deletes it; call only after the whole response was written. */
  onDelivered?: () => Promise<void>;
  /** For a finished result: when it would expire undelivered (Unix ms), where known. */
  expiresAt?: number;
}

const PENDING = JSON.stringify({ status: 'pending' } satisfies ResultBody);

@Injectable()
export class ResultsService {
  private readonly logger = new Logger(ResultsService.name);

  constructor(
    private readonly store: ResultStore,
    private readonly queue: TranscriptionQueueRepository,
    private readonly cancelFlags: CancelFlags,
    private readonly files: UploadFiles,
    private readonly waiter: ResultWaiter,
    private readonly tasks: TaskIndex,
    private readonly retention: TaskRetention,
  ) {}

  /**
   * Unknown ids, other owners' tasks, waiting tasks and already delivered results all answer
   * `pending`, so that an id tells a stranger nothing. With `wait`, an answer that is not a finished
   * result is held until the task's result is stored, `wait.ms` pass or the client goes away, then
   * given as things stand: the same answers, seen sooner than by polling.
   */
  async answer(
    taskId: string,
    owner: string,
    format: ResultFormat = 'json',
    wait?: { ms: number; signal?: AbortSignal },
  ): Promise<ResultAnswer> {
    if (!isTaskId(taskId)) return pending();
    if (!wait || wait.ms <= 0) return this.answerNow(taskId, owner, format);
    const watch = await this.waiter.watch(taskId).catch((error: unknown) => {
      // Waiting is a convenience: without notifications the client polls, as it would without wait.
      this.logger.warn(`cannot wait for task ${taskId}: ${String(error)}`);
      return null;
    });
    if (!watch) return this.answerNow(taskId, owner, format);
    try {
      const first = await this.answerNow(taskId, owner, format);
      if (first.onDelivered || wait.signal?.aborted) return first;
      await watch.wait(wait.ms, wait.signal);
      return await this.answerNow(taskId, owner, format);
    } finally {
      watch.close();
    }
  }

  /** The answer as things stand, without waiting (GET /result's, also the event stream's every look). */
  async answerNow(taskId: string, owner: string, format: ResultFormat = 'json'): Promise<ResultAnswer> {
    // One round trip (auto-pipelined): the cancel flag is only needed for a running task, but
    // reading it alongside costs less than a second round trip on every poll of one.
    const [stored, queued, cancelled] = await Promise.all([
      this.store.find(taskId),
      this.queue.lookup(taskId),
      this.cancelFlags.isRaised(taskId),
    ]);
    if (stored) {
      if (stored.owner !== owner || stored.record === null) return pending();
      const onDelivered = (): Promise<void> => this.forget(taskId, owner);
      const expiresAt = stored.expiresAt ?? undefined;
      const body = contractBody(stored.record);
      // A failure is answered in its JSON shape whatever the format, and delivered once as well.
      if (format === 'json' || body.status !== 'completed')
        return { json: JSON.stringify(body), onDelivered, expiresAt };
      return {
        json: render(body.results, format, taskId),
        contentType: TEXT_FORMAT_CONTENT_TYPES[format],
        onDelivered,
        expiresAt,
      };
    }
    if (queued.kind !== 'active' || queued.owner !== owner) return pending();
    // Cancelled but not yet stopped by its worker: already gone as far as the client is concerned.
    if (cancelled) return pending();
    const progress: JobProgress = isJobProgress(queued.progress)
      ? queued.progress
      : { stage: 'initializing', percent: 0 };
    const body: ResultBody = { status: 'processing', info: progress.stage, progress: progress.percent };
    return { json: JSON.stringify(body) };
  }

  /**
   * Cancels the owner's task: a waiting job leaves the queue, a running one is aborted by its worker
   * (which polls the cancel flag), an undelivered result is deleted; the upload is deleted. Unknown
   * ids and other owners' tasks get the same 404, so that an id tells a stranger nothing.
   */
  async cancel(taskId: string, owner: string): Promise<CancelledResponseDto> {
    const notFound = new NotFoundException(`no task ${taskId.slice(0, 64)} to cancel`);
    if (!isTaskId(taskId)) throw notFound;
    const [stored, queued] = await Promise.all([this.store.find(taskId), this.queue.lookup(taskId)]);
    if (stored) {
      if (stored.owner !== owner || stored.record === null) throw notFound;
      await this.store.markDelivered(taskId, owner);
      // Deleted by its owner: gone from the task list as well.
      await this.tasks.remove(taskId, owner);
    } else {
      if ((queued.kind !== 'waiting' && queued.kind !== 'active') || queued.owner !== owner) throw notFound;
      // The flag first: a worker taking the job between these steps still sees it at its start.
      await this.cancelFlags.raise(taskId);
      await this.queue.removeIfNotRunning(taskId);
      // A worker may have stored the result after the lookup above and before the flag; once the flag
      // is up none can be stored (ResultStore checks it in the same script), so one more look suffices.
      const late = await this.store.find(taskId);
      if (late?.record) await this.store.markDelivered(taskId, owner);
      await this.tasks.cancelled({ taskId, owner }, this.retention.of(queued));
    }
    await this.files.remove(path.join(this.files.dir, taskId));
    this.logger.log(`task ${taskId} cancelled by its owner`);
    return { task_id: taskId, status: 'cancelled' };
  }

  private async forget(taskId: string, owner: string): Promise<void> {
    try {
      await this.store.markDelivered(taskId, owner);
    } catch (error) {
      // It still expires with its TTL; a client may meanwhile read it a second time.
      this.logger.warn(`could not delete delivered result ${taskId}: ${String(error)}`);
    }
  }
}

function pending(): ResultAnswer {
  return { json: PENDING };
}

/** Speaker-turn results (POST /diarize) carry no text: only RTTM renders them. */
function render(results: (ResultEntry | SpeakerTurn)[], format: TextFormat, taskId: string): string {
  const entries = results.map((entry) => ({ text: '', ...entry }));
  const turnsOnly = results.length > 0 && !('text' in results[0]);
  if (turnsOnly && format !== 'rttm') {
    throw new BadRequestException(
      `a speaker-turns result (POST /diarize) is available as json or rttm, not ${format}`,
    );
  }
  return renderTranscript(entries, format, { fileId: taskId });
}
