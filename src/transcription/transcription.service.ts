import { Injectable } from '@nestjs/common';
import { buildJob, type JobRequest } from '../jobs/job-builder';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { CallbackUrlPolicy } from '../webhooks/callback-url.policy';
import { requireSpeakerChannels } from './channel-layout';
import type { TaskCreatedDto } from './dto/task-created.dto';

@Injectable()
export class TranscriptionService {
  constructor(
    private readonly queue: TranscriptionQueueRepository,
    private readonly callbacks: CallbackUrlPolicy,
  ) {}

  /**
   * Queues the upload for a worker; the task id is the one the upload was stored under. A callback
   * URL the policy refuses is a 400.
   */
  async submit(request: JobRequest): Promise<TaskCreatedDto> {
    const callbackUrl = this.callbacks.accept(request.callbackUrl);
    if (request.channelDiarization) await requireSpeakerChannels(request.upload.filePath);
    await this.queue.enqueue(buildJob({ ...request, callbackUrl }));
    return { task_id: request.upload.taskId };
  }
}
