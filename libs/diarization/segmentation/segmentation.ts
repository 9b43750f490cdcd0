import { forEachConcurrently } from '../common';
import { InferenceError, ModelLoadError, throwIfAborted } from '../errors';
import type { InferencePool } from '../inference';
import { metadataInteger } from '../inference';
import { type SessionConfig, loadOnnxModel } from '../inference';
import { powersetMasks } from './powerset';

const MODEL_NAME = 'segmentation model';

/** What the segmentation model is, from its metadata (pyannote segmentation-3.0 values as fallbacks). */
export interface SegmentationModelInfo {
  sampleRate: number;
  windowSamples: number;
  /** Samples seen by one output frame, and the hop between output frames. */
  receptiveFieldSize: number;
  receptiveFieldShift: number;
  numLocalSpeakers: number;
  maxSpeakersPerFrame: number;
  numClasses: number;
}

/**
 * Per-window local speaker activity: `activity[(chunk * framesPerChunk + frame) * numLocalSpeakers + speaker]`
 * is 1 where the model's most likely powerset class contains that local speaker. Chunk `c`'s frame `f`
 * lies on the global frame grid at `chunkStartFrames[c] + f`; frames past the end of the audio are 0.
 */
export interface LocalSegmentation {
  numChunks: number;
  framesPerChunk: number;
  numLocalSpeakers: number;
  activity: Uint8Array;
  chunkStartFrames: Int32Array;
  /** Global frames whose middle lies inside the audio. */
  numFrames: number;
  frames: FrameGrid;
  windowSamples: number;
  stepSamples: number;
}

/** Output frame i covers [i * step, i * step + duration) seconds; its middle is what times are read from. */
export interface FrameGrid {
  step: number;
  duration: number;
}

export function frameMiddle(grid: FrameGrid, index: number): number {
  return index * grid.step + grid.duration / 2;
}

export interface SegmentOptions {
  stepSamples: number;
  batchSize: number;
  signal?: AbortSignal;
  /** Fraction 0..1 of the windows done. */
  onProgress?: (fraction: number) => void;
}

export class SegmentationModel {
  private constructor(
    private readonly pool: InferencePool,
    private readonly inputName: string,
    private readonly outputName: string,
    readonly info: SegmentationModelInfo,
    private readonly classMasks: number[],
  ) {}

  static async load(modelPath: string, config: SessionConfig): Promise<SegmentationModel> {
    const { pool, metadata } = await loadOnnxModel(modelPath, config, MODEL_NAME);
    const read = (key: string, fallback: number): number =>
      metadataInteger(metadata, key, fallback, MODEL_NAME);
    const info: SegmentationModelInfo = {
      sampleRate: read('sample_rate', 16000),
      windowSamples: read('window_size', 160000),
      receptiveFieldSize: read('receptive_field_size', 991),
      receptiveFieldShift: read('receptive_field_shift', 270),
      numLocalSpeakers: read('num_speakers', 3),
      maxSpeakersPerFrame: read('powerset_max_classes', 2),
      numClasses: read('num_classes', 7),
    };
    const classMasks = powersetMasks(info.numLocalSpeakers, info.maxSpeakersPerFrame);
    if (classMasks.length !== info.numClasses || info.numLocalSpeakers > 8) {
      await pool.close();
      throw new ModelLoadError(
        `${MODEL_NAME}: ${info.numClasses} classes do not form the powerset of ${info.numLocalSpeakers} speakers taken up to ${info.maxSpeakersPerFrame} at a time`,
      );
    }
    if (info.windowSamples <= 0 || info.receptiveFieldShift <= 0 || info.sampleRate <= 0) {
      await pool.close();
      throw new ModelLoadError(`${MODEL_NAME}: metadata gives a zero window, frame shift or sample rate`);
    }
    if (pool.inputs.length !== 1 || pool.outputs.length < 1) {
      await pool.close();
      throw new ModelLoadError(
        `${MODEL_NAME}: expected one waveform input, found inputs [${pool.inputs.map((v) => v.name).join(', ')}]`,
      );
    }
    return new SegmentationModel(pool, pool.inputs[0].name, pool.outputs[0].name, info, classMasks);
  }

  get frames(): FrameGrid {
    const { receptiveFieldShift, receptiveFieldSize, sampleRate } = this.info;
    return { step: receptiveFieldShift / sampleRate, duration: receptiveFieldSize / sampleRate };
  }

  /** Slides the window over the audio (the last window zero-padded) and decodes the powerset per frame. */
  async segment(samples: Float32Array, options: SegmentOptions): Promise<LocalSegmentation> {
    const { windowSamples, receptiveFieldShift, receptiveFieldSize, numLocalSpeakers } = this.info;
    const stepSamples = Math.max(1, Math.round(options.stepSamples));
    const batchSize = Math.max(1, Math.floor(options.batchSize));
    const numChunks = countChunks(samples.length, windowSamples, stepSamples);
    const numFrames = Math.max(0, Math.ceil((samples.length - receptiveFieldSize / 2) / receptiveFieldShift));
    const chunkStartFrames = new Int32Array(numChunks);
    for (let c = 0; c < numChunks; c++)
      chunkStartFrames[c] = Math.round((c * stepSamples) / receptiveFieldShift);

    let framesPerChunk = 0;
    let activity = new Uint8Array(0);
    const numBatches = Math.ceil(numChunks / batchSize);
    let chunksDone = 0;
    // Two batches per inference thread in flight: one running, one queued behind it.
    await forEachConcurrently(numBatches, 2 * this.pool.size, async (batchIndex) => {
      throwIfAborted(options.signal);
      const first = batchIndex * batchSize;
      const count = Math.min(batchSize, numChunks - first);
      const batch = new Float32Array(count * windowSamples);
      for (let i = 0; i < count; i++) {
        const start = (first + i) * stepSamples;
        batch.set(
          samples.subarray(start, Math.min(samples.length, start + windowSamples)),
          i * windowSamples,
        );
      }
      const output = await this.run(batch, count);
      if (framesPerChunk === 0) {
        framesPerChunk = output.frames;
        activity = new Uint8Array(numChunks * framesPerChunk * numLocalSpeakers);
      } else if (output.frames !== framesPerChunk) {
        throw new InferenceError(`${MODEL_NAME}: output frame count changed between batches`);
      }
      this.decode(output.data, first, count, framesPerChunk, chunkStartFrames, numFrames, activity);
      chunksDone += count;
      options.onProgress?.(chunksDone / numChunks);
    });
    throwIfAborted(options.signal);
    return {
      numChunks,
      framesPerChunk,
      numLocalSpeakers,
      activity,
      chunkStartFrames,
      numFrames,
      frames: this.frames,
      windowSamples,
      stepSamples,
    };
  }

  /**
   * Local speaker activity of `count` whole windows laid end to end in `batch` (each `windowSamples`
   * long): `activity[(window * frames + frame) * numLocalSpeakers + speaker]`.
   */
  async segmentWindows(
    batch: Float32Array,
    count: number,
  ): Promise<{ activity: Uint8Array; frames: number }> {
    const { numClasses, numLocalSpeakers } = this.info;
    const output = await this.run(batch, count);
    const activity = new Uint8Array(count * output.frames * numLocalSpeakers);
    for (let cell = 0; cell < count * output.frames; cell++) {
      const base = cell * numClasses;
      let best = 0;
      for (let c = 1; c < numClasses; c++) if (output.data[base + c] > output.data[base + best]) best = c;
      const mask = this.classMasks[best];
      for (let s = 0; s < numLocalSpeakers; s++) activity[cell * numLocalSpeakers + s] = (mask >> s) & 1;
    }
    return { activity, frames: output.frames };
  }

  async release(): Promise<void> {
    await this.pool.close();
  }

  private async run(batch: Float32Array, count: number): Promise<{ data: Float32Array; frames: number }> {
    const { windowSamples, numClasses } = this.info;
    const results = await this.pool.run({
      [this.inputName]: { type: 'float32', data: batch, dims: [count, 1, windowSamples] },
    });
    const y = results[this.outputName];
    const dims = y?.dims ?? [];
    if (dims.length !== 3 || dims[0] !== count || dims[2] !== numClasses) {
      throw new InferenceError(
        `${MODEL_NAME}: expected output [${count}, frames, ${numClasses}] float32, got [${dims.join(', ')}]`,
      );
    }
    return { data: y.data, frames: dims[1] };
  }

  private decode(
    scores: Float32Array,
    firstChunk: number,
    count: number,
    framesPerChunk: number,
    chunkStartFrames: Int32Array,
    numFrames: number,
    activity: Uint8Array,
  ): void {
    const { numClasses, numLocalSpeakers } = this.info;
    for (let i = 0; i < count; i++) {
      const chunk = firstChunk + i;
      const validFrames = Math.min(framesPerChunk, numFrames - chunkStartFrames[chunk]);
      for (let f = 0; f < validFrames; f++) {
        const base = (i * framesPerChunk + f) * numClasses;
        let best = 0;
        for (let k = 1; k < numClasses; k++) if (scores[base + k] > scores[base + best]) best = k;
        const mask = this.classMasks[best];
        const out = (chunk * framesPerChunk + f) * numLocalSpeakers;
        for (let s = 0; s < numLocalSpeakers; s++) activity[out + s] = (mask >> s) & 1;
      }
    }
  }
}

/** pyannote's chunking: every full window, plus one zero-padded window for the remainder (at least one). */
export function countChunks(numSamples: number, windowSamples: number, stepSamples: number): number {
  if (numSamples <= windowSamples) return 1;
  const full = Math.floor((numSamples - windowSamples) / stepSamples) + 1;
  const covered = (full - 1) * stepSamples + windowSamples;
  return covered < numSamples ? full + 1 : full;
}
