import {
  type FrameLabels,
  capSpeakerCount,
  clearFrames,
  estimateSpeakerCount,
  findSilentFrames,
  reconstructFromClusters,
} from './reconstruction';
import { clusterVbx, withoutSilentSpeakers } from './clustering';
import { EmbeddingModel } from './embeddings';
import { DiarizerClosedError, InvalidArgumentError, throwIfAborted } from './errors';
import type { ExecutionProvider } from './inference';
import { ModelVerifier, reidentifySpeakers } from './linking';
import { SegmentationModel } from './segmentation';
import { resolveSpeakerBounds } from './speaker-bounds';
import { stitchLocalSpeakers } from './linking';
import { DEFAULT_SLICE_MS, createYielder } from './common';
import { type SpeakerTurn, framesToTurns, renumberByFirstAppearance } from './reconstruction';

export interface DiarizerOptions {
  segmentationModelPath: string;
  /** Present: pyannote community-1's embeddings + PLDA/VBx clustering; absent: embedding-free linking. */
  embeddingModelPath?: string | null;
  /** Default cpu. */
  executionProvider?: ExecutionProvider;
  /** The CUDA device with executionProvider cuda; default 0. */
  gpuDevice?: number;
  /**
   * Inference threads per model, each running whole batches on its own single-threaded ONNX Runtime
   * session, off the caller's event loop. Default: the cores up to 4 (1 with CUDA).
   */
  threads?: number;
  /** Window step as a fraction of the window; default 0.1 (pyannote's). */
  stepRatio?: number;
  /** Windows per segmentation run (and per embedding run); default 1: larger batches run no faster on CPU and hold ~35 MB more per thread per window. */
  batchSize?: number;
  /**
   * Embed every n-th window; the windows in between take their neighbours' embeddings for the local
   * speakers they match (those matched in neither are embedded). Default 3 (0.40 embedding-model
   * runs per window); 1 embeds every window, as pyannote.
   */
  embeddingStep?: number;
}

export interface DiarizeOptions {
  /** Exact number of speakers; wins over min/max. */
  numSpeakers?: number;
  minSpeakers?: number;
  maxSpeakers?: number;
  /** Checked between batches; a fired signal rejects with an error named 'AbortError'. */
  signal?: AbortSignal;
  /** 0..100, never decreasing. */
  onProgress?: (percent: number) => void;
}

export interface Diarization {
  /** Who speaks when; overlapping speech gives overlapping turns. */
  turns: SpeakerTurn[];
  /** One speaker at a time (the most active one), for giving words to speakers. */
  exclusiveTurns: SpeakerTurn[];
  speakerCount: number;
}

/** Pauses of digital silence up to this long inside one speaker's speech are kept inside the turn. */
const MAX_SILENT_PAUSE_SECONDS = 0.5;
/**
 * Every third window is embedded, the others copy matched neighbours (embeddings/embedding-step.ts): one
 * network run per window would cap the embedding path near RTF 0.4 on one core. With pyannote's real
 * embeddings (bench/embedding-step-parity.ts, five parity recordings) steps 1 / 2 / 3 / 4 run 0.99 / 0.54 /
 * 0.40 / 0.33 networks per window and drift 0.03 / 0.95 / 0.43 / 1.22 % DER from pyannote's output.
 */
export const DEFAULT_EMBEDDING_STEP = 3;

export class Diarizer {
  private closed = false;

  private constructor(
    private readonly segmentation: SegmentationModel,
    private readonly embedding: EmbeddingModel | null,
    private readonly stepRatio: number,
    private readonly batchSize: number,
    private readonly embeddingStep: number,
  ) {}

  /** Loads the ONNX session(s) once; reuse the Diarizer for every file. */
  static async create(options: DiarizerOptions): Promise<Diarizer> {
    const stepRatio = options.stepRatio ?? 0.1;
    if (!(stepRatio > 0 && stepRatio <= 1)) {
      throw new InvalidArgumentError(`stepRatio must be in (0, 1], got ${String(options.stepRatio)}`);
    }
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new InvalidArgumentError(
        `batchSize must be a positive whole number, got ${String(options.batchSize)}`,
      );
    }
    const embeddingStep = options.embeddingStep ?? DEFAULT_EMBEDDING_STEP;
    if (!Number.isInteger(embeddingStep) || embeddingStep < 1) {
      throw new InvalidArgumentError(
        `embeddingStep must be a positive whole number, got ${String(options.embeddingStep)}`,
      );
    }
    if (options.threads !== undefined && (!Number.isInteger(options.threads) || options.threads < 1)) {
      throw new InvalidArgumentError(
        `threads must be a positive whole number, got ${String(options.threads)}`,
      );
    }
    const provider = options.executionProvider ?? 'cpu';
    if (provider !== 'cpu' && provider !== 'cuda') {
      throw new InvalidArgumentError(`executionProvider must be 'cpu' or 'cuda', got ${String(provider)}`);
    }
    const config = { executionProvider: provider, gpuDevice: options.gpuDevice, threads: options.threads };
    const segmentation = await SegmentationModel.load(options.segmentationModelPath, config);
    let embedding: EmbeddingModel | null = null;
    if (options.embeddingModelPath) {
      try {
        embedding = await EmbeddingModel.load(options.embeddingModelPath, config);
      } catch (error) {
        await segmentation.release();
        throw error;
      }
    }
    return new Diarizer(segmentation, embedding, stepRatio, batchSize, embeddingStep);
  }

  get usesEmbeddings(): boolean {
    return this.embedding !== null;
  }

  get sampleRate(): number {
    return this.segmentation.info.sampleRate;
  }

  /** Diarizes 16 kHz mono PCM. Audio shorter than a window is zero-padded; silence gives no turns. */
  async diarize(samples: Float32Array, options: DiarizeOptions = {}): Promise<Diarization> {
    if (this.closed) throw new DiarizerClosedError('the Diarizer was closed');
    if (!(samples instanceof Float32Array)) throw new InvalidArgumentError('samples must be a Float32Array');
    const bounds = resolveSpeakerBounds(options);
    throwIfAborted(options.signal);
    let lastPercent = 0;
    const progress = (percent: number): void => {
      const value = Math.min(100, Math.max(lastPercent, Math.round(percent * 10) / 10));
      if (value === lastPercent && percent !== 0) return;
      lastPercent = value;
      options.onProgress?.(value);
    };
    progress(0);
    const audio = finiteSamples(samples);
    const sampleRate = this.sampleRate;
    const duration = audio.length / sampleRate;
    if (audio.length === 0) {
      progress(100);
      return { turns: [], exclusiveTurns: [], speakerCount: 0 };
    }

    const segmentShare = this.embedding ? 50 : 90;
    const seg = await this.whileOpen(
      this.segmentation.segment(audio, {
        stepSamples: this.segmentation.info.windowSamples * this.stepRatio,
        batchSize: this.batchSize,
        signal: options.signal,
        onProgress: (fraction) => progress(fraction * segmentShare),
      }),
    );
    // The steps below are plain loops over every frame: the API may share this thread, so each
    // gives it a turn (and checks the signal) once a time slice is spent.
    const pause = createYielder(DEFAULT_SLICE_MS, options.signal);
    const silent = await findSilentFrames(audio, seg, sampleRate, { pause });
    clearFrames(seg, silent);
    await pause();
    const count = estimateSpeakerCount(seg);
    await pause();

    let frameLabels: FrameLabels;
    if (this.embedding) {
      const embeddings = await this.whileOpen(
        this.embedding.embed(audio, seg, {
          batchSize: this.batchSize * seg.numLocalSpeakers,
          chunkStep: this.embeddingStep,
          signal: options.signal,
          onProgress: (fraction) => progress(segmentShare + fraction * 40),
        }),
      );
      const clustering = await clusterVbx(seg, embeddings, bounds, { pause });
      const clusters = withoutSilentSpeakers(clustering.hardClusters, seg, embeddings.valid);
      frameLabels = reconstructFromClusters(seg, clusters, capSpeakerCount(count, bounds.max));
    } else {
      const tracks = stitchLocalSpeakers(seg);
      await pause();
      frameLabels = await reidentifySpeakers(audio, sampleRate, seg, count, tracks, bounds, {
        signal: options.signal,
        verifier: new ModelVerifier(this.segmentation, audio, { batchSize: this.batchSize }),
      });
    }
    await pause();
    throwIfAborted(options.signal);
    const turnOptions = { silentFrames: silent, maxBridgeSeconds: MAX_SILENT_PAUSE_SECONDS };
    const turns = framesToTurns(frameLabels, seg.frames, duration, turnOptions);
    await pause();
    const exclusive = framesToTurns(frameLabels, seg.frames, duration, { ...turnOptions, exclusive: true });
    const { lists, count: speakerCount } = renumberByFirstAppearance(turns, exclusive);
    progress(100);
    return { turns: lists[0], exclusiveTurns: lists[1], speakerCount };
  }

  /** Inference cut short by close() says so, rather than reporting the pool's own error. */
  private async whileOpen<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (this.closed)
        throw new DiarizerClosedError('the Diarizer was closed during diarize()', { cause: error });
      throw error;
    }
  }

  /** Stops the inference threads (a run in progress rejects); further diarize() calls fail. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.segmentation.release();
    await this.embedding?.release();
  }
}

/** Non-finite samples (a broken decoder) would poison every score: they become silence. */
function finiteSamples(samples: Float32Array): Float32Array {
  let copy: Float32Array | null = null;
  for (let i = 0; i < samples.length; i++) {
    if (Number.isFinite(samples[i])) continue;
    copy ??= Float32Array.from(samples);
    copy[i] = 0;
  }
  return copy ?? samples;
}
