import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type * as DiarizationLibrary from '../../libs/diarization';
import { AppConfig } from '../config/app-config';
import { DiarizationEngine } from './diarization-engine';

/**
 * pyannote segmentation (ONNX) through libs/diarization, created once per worker process. Without a
 * segmentation model the engine says it is unavailable; a configured one that cannot be loaded stops
 * the worker at start-up rather than giving every word to speaker 0.
 */
@Injectable()
export class PyannoteDiarizationEngine extends DiarizationEngine implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PyannoteDiarizationEngine.name);
  private library: typeof DiarizationLibrary | null = null;
  private diarizer: DiarizationLibrary.Diarizer | null = null;

  constructor(private readonly config: AppConfig) {
    super();
  }

  get available(): boolean {
    return this.diarizer !== null;
  }

  async onModuleInit(): Promise<void> {
    const {
      segmentationModelPath,
      embeddingModelPath,
      executionProvider,
      gpuDevice,
      threads,
      stepRatio,
      embeddingStep,
    } = this.config.diarization;
    if (!segmentationModelPath) {
      this.logger.warn('SEGMENTATION_MODEL_PATH is not set: every word will go to speaker 0');
      return;
    }
    try {
      this.library = await import('../../libs/diarization');
    } catch (error) {
      // A configured model that cannot run is a broken installation, not a server without diarization.
      throw new Error(
        `SEGMENTATION_MODEL_PATH is set but the diarization library cannot be loaded (${String(error)}); ` +
          'repair the installation (onnxruntime-node) or set SEGMENTATION_MODEL_PATH=off',
        { cause: error },
      );
    }
    this.diarizer = await this.library.Diarizer.create({
      segmentationModelPath,
      embeddingModelPath: embeddingModelPath ?? undefined,
      executionProvider,
      gpuDevice,
      threads: threads || undefined,
      stepRatio,
      embeddingStep,
    });
    this.logger.log(
      `diarization ready: ${segmentationModelPath}` +
        (embeddingModelPath ? ` with embeddings from ${embeddingModelPath}` : ' (no embedding model)'),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.diarizer?.close();
    this.diarizer = null;
  }

  async diarize(
    samples: Float32Array,
    request: DiarizationLibrary.DiarizeOptions,
  ): Promise<DiarizationLibrary.Diarization> {
    if (!this.diarizer) throw new Error('diarization is not available');
    return this.diarizer.diarize(samples, request);
  }
}
