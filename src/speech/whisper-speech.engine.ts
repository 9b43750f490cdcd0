import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  type SpeechDetector,
  SpeechDetectionUnavailableError,
  type SpeechRequest,
} from '../../libs/pipeline';
import type { SpeechRegion, Transcription, WhisperModel } from '../../libs/speech';
import { AppConfig } from '../config/app-config';
import { SpeechEngine } from './speech-engine';

/** whisper.cpp through libs/speech: one model per worker process, loaded before the first job. */
@Injectable()
export class WhisperSpeechEngine extends SpeechEngine implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WhisperSpeechEngine.name);
  private model: WhisperModel | null = null;

  constructor(private readonly config: AppConfig) {
    super();
  }

  async onModuleInit(): Promise<void> {
    const { modelPath, useGpu, gpuDevice, flashAttention, vadModelPath, threads } = this.config.whisper;
    if (!modelPath) throw new Error('WHISPER_MODEL_PATH must be set for a worker');
    // Loaded lazily so that an API-only process never loads the native addon.
    const speech = await import('../../libs/speech');
    // whisper.cpp's warnings and errors go to the app's log rather than to stderr or nowhere. At
    // warn: an aborted job makes whisper.cpp log an "error", and real failures reject the call anyway.
    speech.setSpeechLogHandler((_level, message) => this.logger.warn(message), 'warn');
    const runtime = speech.speechRuntimeInfo();
    this.logger.log(`whisper.cpp ${runtime.whisperVersion}: ${runtime.systemInfo}`);
    const fallback = speech.gpuFallbackReason({ useGpu, gpuDevice }, runtime.devices);
    if (fallback) this.logger.warn(`WHISPER_USE_GPU=true, WHISPER_GPU_DEVICE=${gpuDevice}: ${fallback}`);
    const started = Date.now();
    this.model = await speech.WhisperModel.load({ modelPath, useGpu, gpuDevice, flashAttention });
    this.logger.log(
      `loaded ${modelPath} in ${Date.now() - started} ms (gpu ${useGpu && !fallback ? 'on' : 'off'}, ` +
        `${threads} threads per job, VAD ${vadModelPath ? 'on' : 'off'})`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.model?.close();
    this.model = null;
  }

  /** Silero VAD with the worker's VAD model (whisper.cpp's, no Whisper model needed). */
  override async detectSpeech(
    samples: Float32Array,
    request: Parameters<SpeechDetector['detectSpeech']>[1],
  ): Promise<SpeechRegion[]> {
    const { vadModelPath } = this.config.whisper;
    if (!vadModelPath) throw new SpeechDetectionUnavailableError();
    const speech = await import('../../libs/speech');
    return speech.detectSpeech(samples, { modelPath: vadModelPath }, request);
  }

  async transcribe(samples: Float32Array, request: SpeechRequest): Promise<Transcription> {
    if (!this.model) throw new Error('the Whisper model is not loaded');
    const { vadModelPath, threads } = this.config.whisper;
    return this.model.transcribe(samples, {
      ...request,
      initialPrompt: request.initialPrompt === '' ? undefined : request.initialPrompt,
      threads,
      vad: vadModelPath ? { modelPath: vadModelPath } : null,
      wordTimestamps: true,
    });
  }
}
