import { Injectable, Logger } from '@nestjs/common';
import { isJobProgress, type JobProgress } from '../jobs/job-catalogue';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { isTaskId } from '../transcription/task-id';
import { ResultStore } from './result-store.repository';
import type { ResultBody } from './result-types';

/** What GET /result answers, and what to do once that answer has been completely written. */
export interface ResultAnswer {
  json: string;
  /** Present for a finished result: deletes it; call only after the whole response was written. */
  onDelivered?: () => Promise<void>;
}

const PENDING = JSON.stringify({ status: 'pending' } satisfies ResultBody);

@Injectable()
export class ResultsService {
  private readonly logger = new Logger(ResultsService.name);

  constructor(
    private readonly store: ResultStore,
    private readonly queue: TranscriptionQueueRepository,
  ) {}

  /**
   * Unknown ids, other owners' tasks, waiting tasks and already delivered results all answer
   * `pending`, so that an id tells a stranger nothing.
   */
  async answer(taskId: string, owner: string): Promise<ResultAnswer> {
    if (!isTaskId(taskId)) return { json: PENDING };
    const [stored, queued] = await Promise.all([this.store.find(taskId), this.queue.lookup(taskId)]);
    if (stored) {
      if (stored.owner !== owner || stored.json === null) return { json: PENDING };
      return { json: stored.json, onDelivered: () => this.forget(taskId) };
    }
    if (queued.kind !== 'active' || queued.owner !== owner) return { json: PENDING };
    const progress: JobProgress = isJobProgress(queued.progress)
      ? queued.progress
      : { stage: 'initializing', percent: 0 };
    const body: ResultBody = { status: 'processing', info: progress.stage, progress: progress.percent };
    return { json: JSON.stringify(body) };
  }

  private async forget(taskId: string): Promise<void> {
    try {
      await this.store.markDelivered(taskId);
    } catch (error) {
      // It still expires with its TTL; a client may meanwhile read it a second time.
      this.logger.warn(`could not delete delivered result ${taskId}: ${String(error)}`);
    }
  }
}
