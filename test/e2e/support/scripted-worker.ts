import 'reflect-metadata';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { SpeechRequest } from '../../../libs/pipeline';
import type { Transcription } from '../../../libs/speech';
import { AppConfig } from '../../../src/config/app-config';
import { validateEnv } from '../../../src/config/env.validation';
import { SpeechEngine } from '../../../src/speech/speech-engine';
import { TranscriptionModule } from '../../../src/transcription/transcription.module';
import { WebhooksModule } from '../../../src/webhooks/webhooks.module';
import { fixtureTurns, ScriptedSpeechEngine } from '../../app/support/substitute-engines';
import { models } from '../../support/shared-files';
import { TEST_REDIS_URL } from './server-process';

/**
 * Stands in for Whisper where no real weights exist (the shared model transcribes nothing): the
 * fixture's reference turns as segments, handed to onSegment one by one `paceMs` apart, as
 * whisper.cpp's new-segment callback does while it decodes, with the time each was emitted.
 */
export class PacedSpeechEngine extends SpeechEngine {
  /** Date.now() at each onSegment call, in order. */
  readonly emittedAt: number[] = [];
  private readonly scripted: ScriptedSpeechEngine;

  constructor(
    referenceJson: string,
    private readonly paceMs: number,
  ) {
    super();
    this.scripted = new ScriptedSpeechEngine(fixtureTurns(referenceJson));
  }

  async transcribe(samples: Float32Array, request: SpeechRequest): Promise<Transcription> {
    const result = await this.scripted.transcribe(samples, { ...request, onProgress: undefined });
    for (const [index, segment] of result.segments.entries()) {
      await new Promise((resolve) => setTimeout(resolve, this.paceMs));
      request.signal?.throwIfAborted();
      request.onProgress?.(Math.floor((100 * (index + 1)) / (result.segments.length + 1)));
      this.emittedAt.push(Date.now());
      request.onSegment?.({ start: segment.start, end: segment.end, text: segment.text.trim() });
    }
    return result;
  }
}

/**
 * A worker in this process, on the Redis prefix and upload folder of an API process the test
 * started: the real queue, pipeline, decoder and diarization (the shared segmentation model), with
 * `speech` for Whisper.
 */
export async function startScriptedWorker(
  speech: SpeechEngine,
  shared: { prefix: string; uploadDir: string },
): Promise<INestApplicationContext> {
  const config = new AppConfig(
    validateEnv({
      APP_ROLE: 'worker',
      JWT_SECRET: 'unused-by-a-worker',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: shared.prefix,
      UPLOAD_DIR: shared.uploadDir,
      // The worker only checks that the file exists: `speech` replaces the Whisper engine.
      WHISPER_MODEL_PATH: __filename,
      SEGMENTATION_MODEL_PATH: models.segmentation,
      MODELS_DIR: '/nonexistent',
    }),
  );
  @Global()
  @Module({ providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] })
  class WorkerConfigModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [
      WorkerConfigModule,
      TranscriptionModule.register({ api: false, worker: true }),
      WebhooksModule.forRole({ api: false, worker: true }),
    ],
  })
    .overrideProvider(SpeechEngine)
    .useValue(speech)
    .compile();
  return moduleRef.init();
}
