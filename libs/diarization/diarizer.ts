import {
  type FrameLabels,
  clearFrames,
  estimateSpeakerCount,
  findSilentFrames,
  reconstructFrames,
} from './aggregation';
import { clusterEmbeddings } from './clustering';
import { EmbeddingModel } from './embedding';
import { DiarizerClosedError, InvalidArgumentError, throwIfAborted } from './errors';
import type { ExecutionProvider } from './onnx-session';
import { reidentifySpeakers } from './reidentify';
import { SegmentationModel } from './segmentation';
import { resolveSpeakerBounds } from './speaker-bounds';
import { stitchLocalSpeakers } from './stitching';
import { type SpeakerTurn, framesToTurns, renumberByFirstAppearance } from './turns';

export interface DiarizerOptions {
  segmentationModelPath: string;
  /** Present: pyannote 3.1-style embeddings + agglomerative clustering; absent: embedding-free linking. */
  embeddingModelPath?: string | null;
  /** Default cpu. */
  executionProvider?: ExecutionProvider;
  /** ONNX Runtime intra-op threads per model. */
  threads?: number;
  /** Window step as a fraction of the window; default 0.1 (pyannote's). */
  stepRatio?: number;
  /** Windows per segmentation run (and per embedding run); default 4: larger batches hardly run faster on CPU but hold ~25 MB more each. */
  batchSize?: number;
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

export class Diarizer {
  private closed = false;

  private constructor(
    private readonly segmentation: SegmentationModel,
    private readonly embedding: EmbeddingModel | null,
    private readonly stepRatio: number,
    private readonly batchSize: number,
  ) {}

  /** Loads the ONNX session(s) once; reuse the Diarizer for every file. */
  static async create(options: DiarizerOptions): Promise<Diarizer> {
    const stepRatio = options.stepRatio ?? 0.1;
    if (!(stepRatio > 0 && stepRatio <= 1)) {
      throw new InvalidArgumentError(`stepRatio must be in (0, 1], got ${String(options.stepRatio)}`);
    }
    const batchSize = options.batchSize ?? 4;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new InvalidArgumentError(
        `batchSize must be a positive whole number, got ${String(options.batchSize)}`,
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
    const config = { executionProvider: provider, threads: options.threads };
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
    return new Diarizer(segmentation, embedding, stepRatio, batchSize);
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
    const seg = await this.segmentation.segment(audio, {
      stepSamples: this.segmentation.info.windowSamples * this.stepRatio,
      batchSize: this.batchSize,
      signal: options.signal,
      onProgress: (fraction) => progress(fraction * segmentShare),
    });
    const silent = findSilentFrames(audio, seg, sampleRate);
    clearFrames(seg, silent);
    const count = estimateSpeakerCount(seg);

    let frameLabels: FrameLabels;
    if (this.embedding) {
      const embeddings = await this.embedding.embed(audio, seg, {
        batchSize: this.batchSize * seg.numLocalSpeakers,
        signal: options.signal,
        onProgress: (fraction) => progress(segmentShare + fraction * 40),
      });
      const labels = clusterEmbeddings(embeddings, seg.numLocalSpeakers, bounds);
      frameLabels = reconstructFrames(seg, count, (c, s) => labels[c * seg.numLocalSpeakers + s]);
    } else {
      const tracks = stitchLocalSpeakers(seg);
      throwIfAborted(options.signal);
      frameLabels = reidentifySpeakers(audio, sampleRate, seg, count, tracks, bounds);
    }
    throwIfAborted(options.signal);
    const turnOptions = { silentFrames: silent, maxBridgeSeconds: MAX_SILENT_PAUSE_SECONDS };
    const turns = framesToTurns(frameLabels, seg.frames, duration, turnOptions);
    const exclusive = framesToTurns(frameLabels, seg.frames, duration, { ...turnOptions, exclusive: true });
    const { lists, count: speakerCount } = renumberByFirstAppearance(turns, exclusive);
    progress(100);
    return { turns: lists[0], exclusiveTurns: lists[1], speakerCount };
  }

  /** Releases the ONNX sessions; further diarize() calls fail. Safe to call twice. */
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
