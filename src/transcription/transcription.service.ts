import { Injectable } from '@nestjs/common';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import type { AcceptedUpload } from '../upload/audio-upload.interceptor';
import type { TaskCreatedDto } from './dto/task-created.dto';
import type { TranscribeRequestDto } from './dto/transcribe-request.dto';

@Injectable()
export class TranscriptionService {
  constructor(private readonly queue: TranscriptionQueueRepository) {}

  /** Queues the upload for a worker; the task id is the one the upload was stored under. */
  async submit(owner: string, upload: AcceptedUpload, form: TranscribeRequestDto): Promise<TaskCreatedDto> {
    await this.queue.enqueue({
      taskId: upload.taskId,
      owner,
      filePath: upload.filePath,
      params: {
        speakerCount: form.speaker_count,
        language: form.language,
        temperature: form.temperature,
        noSpeechThreshold: form.no_speech_threshold,
        initialPrompt: form.initial_prompt,
      },
    });
    return { task_id: upload.taskId };
  }
}
