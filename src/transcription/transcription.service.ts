import { Injectable } from '@nestjs/common';
import { buildJob, type JobRequest } from '../jobs/job-builder';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { taskFactsOf } from '../tasks/task-facts';
import { TaskIndex } from '../tasks/task-index.repository';
import { TaskRetention } from '../tasks/task-retention';
import { type CallbackForm, CallbackUrlPolicy } from '../webhooks/callback-url.policy';
import { requireSpeakerChannels } from './channel-layout';
import type { TaskCreatedDto } from './dto/task-created.dto';

/** A route's request: `deleteAfterSeconds` is the form's delete_after, checked here. */
export type SubmitRequest = JobRequest & { deleteAfterSeconds?: number };

@Injectable()
export class TranscriptionService {
  constructor(
    private readonly queue: TranscriptionQueueRepository,
    private readonly callbacks: CallbackUrlPolicy,
    private readonly tasks: TaskIndex,
    private readonly retention: TaskRetention,
  ) {}

  /**
   * Queues the upload for a worker; the task id is the one the upload was stored under. A callback
   * URL or auth header the policy refuses, or a delete_after beyond RESULT_TTL_MS, is a 400. The task's
   * listing record is written first, so that a worker taking the job at once finds it.
   */
  async submit(request: SubmitRequest, callbackForm: CallbackForm): Promise<TaskCreatedDto> {
    const callback = this.callbacks.accept(callbackForm);
    if (request.channelDiarization) await requireSpeakerChannels(request.upload.filePath);
    const retentionMs = this.retention.fromDeleteAfter(request.deleteAfterSeconds);
    const job = buildJob({ ...request, callback, retentionMs });
    await this.tasks.created(taskFactsOf(job), this.retention.unfinished(job));
    try {
      await this.queue.enqueue(job);
    } catch (error) {
      await this.tasks.remove(job.taskId, job.owner).catch(() => undefined);
      throw error;
    }
    return { task_id: request.upload.taskId };
  }
}
