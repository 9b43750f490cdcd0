import { Injectable } from '@nestjs/common';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { CallbackUrlPolicy } from '../webhooks/callback-url.policy';
import type { AcceptedUpload } from '../upload/audio-upload.interceptor';
import type { DiarizeRequestDto } from './dto/diarize-request.dto';
import type { TaskCreatedDto } from './dto/task-created.dto';
import type { TranscribeFormDto } from './dto/transcribe-form.dto';
import type { TranscribeRequestDto } from './dto/transcribe-request.dto';
import { resolveSpeakerParams, type SpeakerParams } from './speaker-request';

@Injectable()
export class TranscriptionService {
  constructor(
    private readonly queue: TranscriptionQueueRepository,
    private readonly callbacks: CallbackUrlPolicy,
  ) {}

  /**
   * Queues the upload for a worker; the task id is the one the upload was stored under. Without
   * `speakers`, speaker_count is taken as the exact count (the contract's behaviour).
   */
  async submit(
    owner: string,
    upload: AcceptedUpload,
    form: TranscribeRequestDto & Partial<Pick<TranscribeFormDto, 'word_timestamps' | 'callback_url'>>,
    speakers: SpeakerParams = { speakerCount: form.speaker_count },
  ): Promise<TaskCreatedDto> {
    await this.queue.enqueue({
      taskId: upload.taskId,
      owner,
      filePath: upload.filePath,
      ...this.callbackOf(form),
      params: {
        ...speakers,
        language: form.language,
        temperature: form.temperature,
        noSpeechThreshold: form.no_speech_threshold,
        initialPrompt: form.initial_prompt,
        // Only present when asked for, so that old jobs and new ones look alike in Redis.
        ...(form.word_timestamps ? { wordTimestamps: true } : {}),
      },
    });
    return { task_id: upload.taskId };
  }

  /** POST /diarize: speaker turns only; no Whisper parameters matter. */
  async submitDiarization(
    owner: string,
    upload: AcceptedUpload,
    form: DiarizeRequestDto,
  ): Promise<TaskCreatedDto> {
    const speakers = resolveSpeakerParams(
      { speakerCount: form.speaker_count, minSpeakers: form.min_speakers, maxSpeakers: form.max_speakers },
      form.speaker_count !== undefined,
      null,
    );
    await this.queue.enqueue({
      taskId: upload.taskId,
      owner,
      filePath: upload.filePath,
      ...this.callbackOf(form),
      mode: 'diarize',
      params: { ...speakers, language: null, temperature: 0, noSpeechThreshold: 0, initialPrompt: '' },
    });
    return { task_id: upload.taskId };
  }

  /** `callbackUrl` for the job data when the form names an allowed one; a 400 when refused. */
  private callbackOf(form: { callback_url?: string }): { callbackUrl?: string } {
    const url = this.callbacks.accept(form.callback_url);
    return url === undefined ? {} : { callbackUrl: url };
  }
}
