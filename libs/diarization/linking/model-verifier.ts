import { forEachConcurrently } from '../common';
import type { Yielder } from '../common';

/** A span of audio, in samples [start, end). */
export interface SampleSpan {
  start: number;
  end: number;
}

/** What the verifier needs of the segmentation model. */
export interface WindowSegmenter {
  readonly info: {
    windowSamples: number;
    numLocalSpeakers: number;
    receptiveFieldShift: number;
    receptiveFieldSize: number;
  };
  segmentWindows(batch: Float32Array, count: number): Promise<{ activity: Uint8Array; frames: number }>;
}

export interface VerifierOptions {
  /** Windows per model run (default 1: larger batches run no faster on CPU and hold more memory). */
  batchSize?: number;
  /** Runs in flight at once. */
  concurrency?: number;
}

/**
 * The segmentation model as a speaker verifier: it is trained to tell the speakers of one 10-s window
 * apart, so a window made of about half of A's speech followed by half of B's shows whether it gives
 * both halves the same local speaker. The similarity of A and B is the overlap of the two halves'
 * distributions over local speakers (1: the same local speaker throughout, 0: disjoint ones); it is
 * permutation-free, and averaged over both orders (A then B, B then A).
 */
export class ModelVerifier {
  constructor(
    private readonly model: WindowSegmenter,
    private readonly samples: Float32Array,
    private readonly options: VerifierOptions = {},
  ) {}

  /** Similarity of every pair of groups (row-major n × n, diagonal 1). */
  async similarities(groups: SampleSpan[][], pause: Yielder): Promise<Float64Array> {
    const n = groups.length;
    const half = Math.floor(this.model.info.windowSamples / 2);
    const audio = groups.map((spans) => this.gather(spans, half));
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j], [j, i]);
    const sim = new Float64Array(n * n);
    for (let i = 0; i < n; i++) sim[i * n + i] = 1;
    const batchSize = Math.max(1, this.options.batchSize ?? 1);
    const { windowSamples } = this.model.info;
    await forEachConcurrently(
      Math.ceil(pairs.length / batchSize),
      this.options.concurrency ?? 2,
      async (b) => {
        const batchPairs = pairs.slice(b * batchSize, (b + 1) * batchSize);
        const batch = new Float32Array(batchPairs.length * windowSamples);
        batchPairs.forEach(([i, j], w) => {
          batch.set(audio[i], w * windowSamples);
          batch.set(audio[j], w * windowSamples + half);
        });
        const { activity, frames } = await this.model.segmentWindows(batch, batchPairs.length);
        batchPairs.forEach(([i, j], w) => {
          const s = this.overlap(activity, frames, w, audio[i].length, half, half + audio[j].length);
          sim[i * n + j] += s / 2;
          sim[j * n + i] += s / 2;
        });
        await pause();
      },
    );
    return sim;
  }

  /** Up to `limit` samples of a group's speech, longest spans first, laid out in time order. */
  private gather(spans: SampleSpan[], limit: number): Float32Array {
    const chosen: SampleSpan[] = [];
    let total = 0;
    const byLength = spans.slice().sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    for (const span of byLength) {
      if (total >= limit) break;
      const length = Math.min(span.end - span.start, limit - total);
      chosen.push({ start: span.start, end: span.start + length });
      total += length;
    }
    chosen.sort((a, b) => a.start - b.start);
    const out = new Float32Array(total);
    let at = 0;
    for (const span of chosen) {
      out.set(this.samples.subarray(span.start, span.end), at);
      at += span.end - span.start;
    }
    return out;
  }

  /** Histogram intersection of the local speakers active in [0, endA) and [startB, endB) of window w. */
  private overlap(
    activity: Uint8Array,
    frames: number,
    w: number,
    endA: number,
    startB: number,
    endB: number,
  ): number {
    const { numLocalSpeakers: k, receptiveFieldShift, receptiveFieldSize } = this.model.info;
    const a = new Float64Array(k);
    const b = new Float64Array(k);
    for (let f = 0; f < frames; f++) {
      const middle = f * receptiveFieldShift + receptiveFieldSize / 2;
      const side = middle < endA ? a : middle >= startB && middle < endB ? b : null;
      if (!side) continue;
      for (let s = 0; s < k; s++) side[s] += activity[(w * frames + f) * k + s];
    }
    const totalA = a.reduce((x, y) => x + y, 0);
    const totalB = b.reduce((x, y) => x + y, 0);
    if (totalA === 0 || totalB === 0) return 0.5;
    let shared = 0;
    for (let s = 0; s < k; s++) shared += Math.min(a[s] / totalA, b[s] / totalB);
    return shared;
  }
}
