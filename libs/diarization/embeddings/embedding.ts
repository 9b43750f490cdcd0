import { forEachConcurrently } from '../common';
import { InferenceError, InvalidArgumentError, ModelLoadError, throwIfAborted } from '../errors';
import type { InferencePool, NamedFeeds, ValueInfo } from '../inference';
import { metadataInteger } from '../inference';
import { type SessionConfig, loadOnnxModel } from '../inference';
import type { LocalSegmentation } from '../segmentation';
import { ChunkFeatures } from './chunk-features';
import { type ChunkSpeakers, applyCopies, planEmbeddingStep } from './embedding-step';
import { FbankExtractor, type WindowType } from './fbank';
import {
  type MaskedPoolingInputs,
  type PreparedEmbeddingGraph,
  SPEAKER_CHUNK_INPUT,
  prepareEmbeddingGraph,
} from './shared-trunk-graph';
import { maskedFrameRows, speakerMask } from './speaker-masks';

const MODEL_NAME = 'speaker-embedding model';
/** Speakers batched together keep at least this share of their frames (single-input graphs). */
const MIN_LENGTH_RATIO = 0.8;

/**
 * How a graph is told which frames are a speaker's: `masked-pooling` (pyannote's WeSpeaker export:
 * the chunk's fbank plus per-frame weights, weighted pooling inside) or `frame-selection` (sherpa-onnx's
 * WeSpeaker export: one input, pooling over every frame it is given, so it gets the speaker's frames).
 */
export type EmbeddingInputs = 'masked-pooling' | 'frame-selection';

export interface EmbeddingModelInfo {
  inputs: EmbeddingInputs;
  sampleRate: number;
  numMelBins: number;
  /** Samples are scaled to the 16-bit integer range first (WeSpeaker) unless the model says they are normalized. */
  inputScale: number;
  window: WindowType;
  dimension: number | null;
}

/**
 * One embedding per (window, local speaker) that talks in the window: `vectors[(chunk * numLocalSpeakers + s) * dim ...]`,
 * `valid[...]` = 1 where computed.
 */
export interface LocalEmbeddings {
  dimension: number;
  vectors: Float32Array;
  valid: Uint8Array;
}

export interface EmbedOptions {
  /** (window, speaker) pairs per run; the masked-pooling graph takes whole windows (ceil(batchSize / speakers)). */
  batchSize: number;
  /** Single-input graphs: fewest fbank frames (10 ms) an embedding is computed from; default 50. */
  minFrames?: number;
  /**
   * Embed every n-th chunk; the chunks in between take their neighbours' embeddings for the speakers
   * they match (see planEmbeddingStep). Default 1: every chunk, as pyannote.
   */
  chunkStep?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/**
 * A WeSpeaker-style ONNX speaker-embedding model on Kaldi fbank features. Each local speaker of each
 * segmentation chunk that talks in it is embedded as pyannote does: the chunk's fbank, mean-normalized
 * over the chunk, with the speaker's non-overlapped frames (all its frames when those are too few).
 */
export class EmbeddingModel {
  private constructor(
    private readonly pool: InferencePool,
    private readonly featuresInput: string,
    private readonly pooling: MaskedPoolingInputs | null,
    private readonly outputName: string,
    readonly info: EmbeddingModelInfo,
  ) {}

  static async load(modelPath: string, config: SessionConfig): Promise<EmbeddingModel> {
    let prepared: PreparedEmbeddingGraph | undefined;
    const { pool, metadata } = await loadOnnxModel(modelPath, config, MODEL_NAME, (bytes) => {
      prepared = prepareEmbeddingGraph(bytes);
      return prepared.bytes;
    });
    const pooling = prepared?.pooling ?? null;
    const featuresInput = pooling?.features ?? pool.inputs[0]?.name;
    const features = pool.inputs.find((input) => input.name === featuresInput);
    const inputShape = tensorShape(features);
    if (!features || pool.outputs.length < 1 || (inputShape && inputShape.length !== 3)) {
      await pool.close();
      throw new ModelLoadError(
        `${MODEL_NAME}: input must be [batch, frames, mel bins], found inputs ` +
          `[${pool.inputs.map((v) => `${v.name} [${v.shape?.join(', ') ?? ''}]`).join(', ')}]`,
      );
    }
    const outputShape = tensorShape(pool.outputs[0]);
    const framework = metadata.get('framework') ?? 'wespeaker';
    const info: EmbeddingModelInfo = {
      inputs: pooling ? 'masked-pooling' : 'frame-selection',
      sampleRate: metadataInteger(metadata, 'sample_rate', 16000, MODEL_NAME),
      numMelBins:
        typeof inputShape?.[2] === 'number'
          ? inputShape[2]
          : metadataInteger(metadata, 'feature_dim', 80, MODEL_NAME),
      inputScale: metadataInteger(metadata, 'normalize_samples', 0, MODEL_NAME) === 1 ? 1 : 32768,
      window: framework === '3d-speaker' ? 'povey' : 'hamming',
      dimension: typeof outputShape?.[1] === 'number' ? outputShape[1] : null,
    };
    return new EmbeddingModel(pool, features.name, pooling, pool.outputs[0].name, info);
  }

  /** Embeds every local speaker of every window where it talks; see {@link LocalEmbeddings}. */
  async embed(
    samples: Float32Array,
    seg: LocalSegmentation,
    options: EmbedOptions,
  ): Promise<LocalEmbeddings> {
    const fbank = new FbankExtractor({
      sampleRate: this.info.sampleRate,
      numMelBins: this.info.numMelBins,
      window: this.info.window,
      inputScale: this.info.inputScale,
    });
    const features = new ChunkFeatures(samples, fbank, seg.windowSamples, seg.stepSamples);
    const store = new EmbeddingStore(seg.numChunks * seg.numLocalSpeakers, this.info.dimension);
    const step = options.chunkStep ?? 1;
    if (!Number.isInteger(step) || step < 1) {
      throw new InvalidArgumentError(`chunkStep must be a positive whole number, got ${String(step)}`);
    }
    const plan = planEmbeddingStep(seg, step);
    if (this.pooling) await this.embedMasked(features, seg, plan.embed, store, options);
    else await this.embedSelected(features, seg, plan.embed, store, options);
    throwIfAborted(options.signal);
    const result = store.result();
    applyCopies(plan, result.vectors, result.valid, result.dimension);
    return result;
  }

  async release(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Two-input graph: each run takes whole chunks (fbank once per chunk) with one weights row per
   * speaker that talks in them; the rewritten graph runs its trunk once per chunk. Runs go to every
   * inference thread at once.
   */
  private async embedMasked(
    features: ChunkFeatures,
    seg: LocalSegmentation,
    chunks: readonly ChunkSpeakers[],
    store: EmbeddingStore,
    options: EmbedOptions,
  ): Promise<void> {
    const pooling = this.pooling as MaskedPoolingInputs;
    const { numLocalSpeakers: k, framesPerChunk } = seg;
    const chunksPerRun = Math.max(1, Math.ceil(options.batchSize / k));
    const runs = Array.from({ length: Math.ceil(chunks.length / chunksPerRun) }, (_, r) =>
      chunks.slice(r * chunksPerRun, (r + 1) * chunksPerRun),
    );
    const frameCount = features.framesPerChunk;
    const mel = this.info.numMelBins;
    let done = 0;
    await forEachConcurrently(runs.length, this.pool.size, async (r) => {
      throwIfAborted(options.signal);
      const run = runs[r];
      const fbankRows = new Float32Array(run.length * frameCount * mel);
      const masks: Float32Array[] = [];
      const rowChunk: bigint[] = [];
      const indices: number[] = [];
      run.forEach(({ chunk: c, speakers }, i) => {
        fbankRows.set(features.chunk(c), i * frameCount * mel);
        for (const s of speakers) {
          const mask = speakerMask(seg, c, s);
          if (!mask) continue;
          masks.push(mask);
          rowChunk.push(BigInt(i));
          indices.push(c * k + s);
        }
      });
      const weights = new Float32Array(masks.length * framesPerChunk);
      masks.forEach((mask, i) => weights.set(mask, i * framesPerChunk));
      const output = await this.run(
        {
          [pooling.features]: { type: 'float32', data: fbankRows, dims: [run.length, frameCount, mel] },
          [pooling.weights]: { type: 'float32', data: weights, dims: [masks.length, framesPerChunk] },
          [SPEAKER_CHUNK_INPUT]: { type: 'int64', data: BigInt64Array.from(rowChunk), dims: [masks.length] },
        },
        masks.length,
      );
      store.put(indices, output);
      done++;
      options.onProgress?.(done / runs.length);
    });
  }

  /**
   * Single-input graph: each speaker's rows of its chunk's (mean-normalized) fbank, selected by its
   * mask stretched to the fbank frames, as pyannote's ONNX WeSpeaker path does. Speakers of similar
   * length share a run, each cut to the shortest of them (padding would bias the pooling).
   */
  private async embedSelected(
    features: ChunkFeatures,
    seg: LocalSegmentation,
    chunks: readonly ChunkSpeakers[],
    store: EmbeddingStore,
    options: EmbedOptions,
  ): Promise<void> {
    const k = seg.numLocalSpeakers;
    const mel = this.info.numMelBins;
    const minFrames = options.minFrames ?? 50;
    const chunksPerBatch = Math.max(1, Math.ceil(options.batchSize / k)) * this.pool.size;
    for (let first = 0; first < chunks.length; first += chunksPerBatch) {
      throwIfAborted(options.signal);
      const last = Math.min(chunks.length, first + chunksPerBatch);
      const items: { index: number; frames: Float32Array; length: number }[] = [];
      for (const { chunk: c, speakers } of chunks.slice(first, last)) {
        const rows = features.chunk(c);
        for (const s of speakers) {
          const mask = speakerMask(seg, c, s);
          const selected = mask ? maskedFrameRows(mask, features.framesPerChunk) : null;
          if (!selected || selected.length < minFrames) continue;
          items.push({ index: c * k + s, frames: gatherRows(rows, selected, mel), length: selected.length });
        }
      }
      items.sort((a, b) => b.length - a.length);
      const groups: (typeof items)[] = [];
      for (let i = 0; i < items.length;) {
        let j = i + 1;
        while (j < items.length && items[j].length >= MIN_LENGTH_RATIO * items[i].length) j++;
        groups.push(items.slice(i, j));
        i = j;
      }
      await forEachConcurrently(groups.length, this.pool.size, async (g) => {
        const group = groups[g];
        const length = group[group.length - 1].length;
        const input = new Float32Array(group.length * length * mel);
        group.forEach((item, i) => input.set(item.frames.subarray(0, length * mel), i * length * mel));
        const output = await this.run(
          { [this.featuresInput]: { type: 'float32', data: input, dims: [group.length, length, mel] } },
          group.length,
        );
        store.put(
          group.map((item) => item.index),
          output,
        );
      });
      options.onProgress?.(last / chunks.length);
    }
  }

  private async run(feeds: NamedFeeds, batch: number): Promise<{ data: Float32Array; dimension: number }> {
    const results = await this.pool.run(feeds);
    const output = results[this.outputName];
    if (!output || output.dims.length !== 2 || output.dims[0] !== batch) {
      throw new InferenceError(
        `${MODEL_NAME}: expected output [${batch}, dim] float32, got [${output?.dims.join(', ') ?? ''}]`,
      );
    }
    return { data: output.data, dimension: output.dims[1] };
  }
}

/** Embeddings as runs finish, in any order; the size comes from the model or its first output. */
class EmbeddingStore {
  private vectors: Float32Array;
  private readonly valid: Uint8Array;

  constructor(
    private readonly pairs: number,
    private dimension: number | null,
  ) {
    this.vectors = new Float32Array(dimension ? pairs * dimension : 0);
    this.valid = new Uint8Array(pairs);
  }

  put(indices: readonly number[], output: { data: Float32Array; dimension: number }): void {
    if (this.dimension === null || this.vectors.length === 0) {
      this.dimension = output.dimension;
      this.vectors = new Float32Array(this.pairs * output.dimension);
    } else if (output.dimension !== this.dimension) {
      throw new InferenceError(
        `${MODEL_NAME}: embedding size changed from ${this.dimension} to ${output.dimension}`,
      );
    }
    const dim = output.dimension;
    indices.forEach((index, i) => {
      const vector = output.data.subarray(i * dim, (i + 1) * dim);
      if (!vector.every(Number.isFinite)) return;
      this.vectors.set(vector, index * dim);
      this.valid[index] = 1;
    });
  }

  result(): LocalEmbeddings {
    return { dimension: this.dimension ?? 0, vectors: this.vectors, valid: this.valid };
  }
}

function tensorShape(value: ValueInfo | undefined): readonly (number | string)[] | null {
  return value?.shape ?? null;
}

function gatherRows(features: Float32Array, rows: Int32Array, mel: number): Float32Array {
  const out = new Float32Array(rows.length * mel);
  rows.forEach((row, i) => out.set(features.subarray(row * mel, (row + 1) * mel), i * mel));
  return out;
}
