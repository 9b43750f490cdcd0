import { InferenceError, ModelLoadError, throwIfAborted } from '../errors';
import { FbankExtractor, type WindowType } from './fbank';
import type { InferencePool } from '../inference';
import type { ValueInfo } from '../inference';
import { metadataInteger } from '../inference';
import { type SessionConfig, loadOnnxModel } from '../inference';
import type { LocalSegmentation } from '../segmentation';

const MODEL_NAME = 'speaker-embedding model';
/** Speakers batched together keep at least this share of their frames. */
const MIN_LENGTH_RATIO = 0.8;

export interface EmbeddingModelInfo {
  sampleRate: number;
  numMelBins: number;
  /** Samples are scaled to the 16-bit integer range first (WeSpeaker) unless the model says they are normalized. */
  inputScale: number;
  window: WindowType;
  dimension: number | null;
}

/**
 * One embedding per (window, local speaker) that talked enough: `vectors[(chunk * numLocalSpeakers + s) * dim ...]`,
 * `valid[...]` = 1 where computed.
 */
export interface LocalEmbeddings {
  dimension: number;
  vectors: Float32Array;
  valid: Uint8Array;
}

export interface EmbedOptions {
  batchSize: number;
  /** Fewest fbank frames (10 ms) an embedding is computed from. */
  minFrames?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/**
 * A WeSpeaker / 3D-Speaker style ONNX model: Kaldi fbank features [N, T, mel] in, [N, D] embeddings
 * out. Its statistics pooling runs over whatever frames it is given, so masking a speaker is done by
 * giving it only that speaker's frames.
 */
export class EmbeddingModel {
  private constructor(
    private readonly pool: InferencePool,
    private readonly inputName: string,
    private readonly outputName: string,
    readonly info: EmbeddingModelInfo,
  ) {}

  static async load(modelPath: string, config: SessionConfig): Promise<EmbeddingModel> {
    const { pool, metadata } = await loadOnnxModel(modelPath, config, MODEL_NAME);
    if (pool.inputs.length !== 1 || pool.outputs.length < 1) {
      await pool.close();
      throw new ModelLoadError(
        `${MODEL_NAME}: expected one feature input, found inputs [${pool.inputs.map((v) => v.name).join(', ')}]`,
      );
    }
    const inputShape = tensorShape(pool.inputs[0]);
    const outputShape = tensorShape(pool.outputs[0]);
    const melFromShape = typeof inputShape?.[2] === 'number' ? inputShape[2] : undefined;
    if (inputShape && inputShape.length !== 3) {
      await pool.close();
      throw new ModelLoadError(
        `${MODEL_NAME}: input must be [batch, frames, mel bins], got [${inputShape.join(', ')}]`,
      );
    }
    const framework = metadata.get('framework') ?? 'wespeaker';
    const info: EmbeddingModelInfo = {
      sampleRate: metadataInteger(metadata, 'sample_rate', 16000, MODEL_NAME),
      numMelBins: melFromShape ?? metadataInteger(metadata, 'feature_dim', 80, MODEL_NAME),
      inputScale: metadataInteger(metadata, 'normalize_samples', 0, MODEL_NAME) === 1 ? 1 : 32768,
      window: framework === '3d-speaker' ? 'povey' : 'hamming',
      dimension: typeof outputShape?.[1] === 'number' ? outputShape[1] : null,
    };
    return new EmbeddingModel(pool, pool.inputs[0].name, pool.outputs[0].name, info);
  }

  /**
   * Embeds every local speaker of every window from the frames where it talks alone (all its frames
   * if those are too few), as pyannote 3.1 does. Features are computed once per batch of windows over
   * their common span, mean-normalized per speaker, and tiled to the batch's longest sequence so that
   * one tensor holds the batch without changing any item's pooled statistics.
   */
  async embed(
    samples: Float32Array,
    seg: LocalSegmentation,
    options: EmbedOptions,
  ): Promise<LocalEmbeddings> {
    const { numChunks, framesPerChunk, numLocalSpeakers: k, activity, stepSamples, windowSamples } = seg;
    const fbank = new FbankExtractor({
      sampleRate: this.info.sampleRate,
      numMelBins: this.info.numMelBins,
      window: this.info.window,
      inputScale: this.info.inputScale,
    });
    const mel = fbank.numMelBins;
    const minFrames = options.minFrames ?? 50;
    const featuresPerWindow = fbank.numFrames(windowSamples);
    // Segmentation frame under each fbank frame's centre.
    const segFrameOf = new Int32Array(featuresPerWindow);
    for (let j = 0; j < featuresPerWindow; j++) {
      const centre = (j * fbank.frameShift + fbank.frameLength / 2) / this.info.sampleRate;
      const f = Math.round((centre - seg.frames.duration / 2) / seg.frames.step);
      segFrameOf[j] = Math.min(framesPerChunk - 1, Math.max(0, f));
    }
    const chunksPerBatch = Math.max(1, Math.ceil(options.batchSize / k));
    let dimension = this.info.dimension ?? 0;
    let vectors = new Float32Array(dimension > 0 ? numChunks * k * dimension : 0);
    const valid = new Uint8Array(numChunks * k);
    const padded = new Float32Array(windowSamples);

    for (let first = 0; first < numChunks; first += chunksPerBatch) {
      throwIfAborted(options.signal);
      const last = Math.min(numChunks, first + chunksPerBatch);
      const items: { index: number; frames: Float32Array; length: number }[] = [];
      for (let c = first; c < last; c++) {
        const start = c * stepSamples;
        padded.fill(0);
        padded.set(samples.subarray(start, Math.min(samples.length, start + windowSamples)));
        const features = fbank.compute(padded);
        for (let s = 0; s < k; s++) {
          const selected = this.selectFrames(activity, c, s, k, framesPerChunk, segFrameOf, minFrames);
          if (!selected) continue;
          items.push({
            index: c * k + s,
            frames: gatherNormalized(features, selected, mel),
            length: selected.length,
          });
        }
      }
      // Items of similar length share a run, each cut to the shortest of them: every embedding is the
      // model's own output on a real subset of that speaker's frames (padding would bias the pooling).
      items.sort((a, b) => b.length - a.length);
      for (let i = 0; i < items.length;) {
        let j = i + 1;
        while (j < items.length && items[j].length >= MIN_LENGTH_RATIO * items[i].length) j++;
        const group = items.slice(i, j);
        i = j;
        const length = group[group.length - 1].length;
        const input = new Float32Array(group.length * length * mel);
        group.forEach((item, g) => input.set(item.frames.subarray(0, length * mel), g * length * mel));
        const output = await this.run(input, group.length, length, mel);
        if (dimension === 0) {
          dimension = output.dimension;
          vectors = new Float32Array(numChunks * k * dimension);
        } else if (output.dimension !== dimension) {
          throw new InferenceError(
            `${MODEL_NAME}: embedding size changed from ${dimension} to ${output.dimension}`,
          );
        }
        group.forEach((item, g) => {
          const vector = output.data.subarray(g * dimension, (g + 1) * dimension);
          if (!vector.every(Number.isFinite)) return;
          vectors.set(vector, item.index * dimension);
          valid[item.index] = 1;
        });
      }
      options.onProgress?.(last / numChunks);
    }
    throwIfAborted(options.signal);
    return { dimension, vectors, valid };
  }

  async release(): Promise<void> {
    await this.pool.close();
  }

  /** Fbank frame indices where local speaker s of chunk c talks alone, or talks at all as a fallback. */
  private selectFrames(
    activity: Uint8Array,
    c: number,
    s: number,
    k: number,
    framesPerChunk: number,
    segFrameOf: Int32Array,
    minFrames: number,
  ): Int32Array | null {
    const clean: number[] = [];
    const any: number[] = [];
    for (let j = 0; j < segFrameOf.length; j++) {
      const base = (c * framesPerChunk + segFrameOf[j]) * k;
      if (!activity[base + s]) continue;
      any.push(j);
      let others = 0;
      for (let t = 0; t < k; t++) if (t !== s) others += activity[base + t];
      if (others === 0) clean.push(j);
    }
    if (clean.length >= minFrames) return Int32Array.from(clean);
    if (any.length >= minFrames) return Int32Array.from(any);
    return null;
  }

  private async run(
    input: Float32Array,
    batch: number,
    frames: number,
    mel: number,
  ): Promise<{ data: Float32Array; dimension: number }> {
    const results = await this.pool.run({
      [this.inputName]: { type: 'float32', data: input, dims: [batch, frames, mel] },
    });
    const output = results[this.outputName];
    if (!output || output.dims.length !== 2 || output.dims[0] !== batch) {
      throw new InferenceError(
        `${MODEL_NAME}: expected output [${batch}, dim] float32, got [${output?.dims.join(', ') ?? ''}]`,
      );
    }
    return { data: output.data, dimension: output.dims[1] };
  }
}

function tensorShape(value: ValueInfo | undefined): readonly (number | string)[] | null {
  return value?.shape ?? null;
}

/** The selected feature rows, minus their mean (WeSpeaker's CMN over the utterance). */
function gatherNormalized(features: Float32Array, rows: Int32Array, mel: number): Float32Array {
  const out = new Float32Array(rows.length * mel);
  const mean = new Float64Array(mel);
  rows.forEach((row, i) => {
    for (let b = 0; b < mel; b++) {
      const value = features[row * mel + b];
      out[i * mel + b] = value;
      mean[b] += value;
    }
  });
  for (let b = 0; b < mel; b++) mean[b] /= rows.length;
  for (let i = 0; i < rows.length; i++) for (let b = 0; b < mel; b++) out[i * mel + b] -= mean[b];
  return out;
}
