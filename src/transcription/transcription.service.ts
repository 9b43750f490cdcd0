import { Injectable } from '@nestjs/common';
import { buildJob, type JobRequest } from '../jobs/job-builder';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { type CallbackForm, CallbackUrlPolicy } from '../webhooks/callback-url.policy';
import type { TaskCreatedDto } from './dto/task-created.dto';

@Injectable()
export class TranscriptionService {
  constructor(
    private readonly queue: TranscriptionQueueRepository,
    private readonly callbacks: CallbackUrlPolicy,
  ) {}

  /**
   * Queues the upload for a worker; the task id is the one the upload was stored under. A callback
   * URL or auth header the policy refuses is a 400.
   */
  async submit(request: JobRequest, callbackForm: CallbackForm): Promise<TaskCreatedDto> {
    const callback = this.callbacks.accept(callbackForm);
    await this.queue.enqueue(buildJob({ ...request, callback }));
    return { task_id: request.upload.taskId };
  }
}
