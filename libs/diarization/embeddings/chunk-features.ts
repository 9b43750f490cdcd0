import type { FbankExtractor } from './fbank';

/**
 * Kaldi fbank of each segmentation chunk, mean-normalized over the chunk, as pyannote computes it
 * (fbank of the 10 s chunk, zero-padded past the end of the file, minus its mean over the chunk's
 * frames: WeSpeaker's per-utterance CMN, the utterance being the chunk).
 *
 * Kaldi frames (snip_edges) depend only on their own 25 ms of samples, so when the chunk step is a
 * whole number of frame shifts (1 s = 100 frames), frame j of chunk c is global frame
 * c * step / shift + j of the zero-extended file: frames are computed once, in blocks of one step,
 * and shared by the ten chunks that overlap them (exactly, not approximately). Only the mean is
 * per chunk. Chunks must be asked for in non-decreasing order; blocks behind the current chunk are
 * dropped, so memory stays at one chunk's worth whatever the file's length.
 */
export class ChunkFeatures {
  readonly framesPerChunk: number;
  private readonly blockFrames: number;
  private readonly blocks = new Map<number, Float32Array>();

  constructor(
    private readonly samples: Float32Array,
    private readonly fbank: FbankExtractor,
    private readonly windowSamples: number,
    private readonly stepSamples: number,
  ) {
    this.framesPerChunk = fbank.numFrames(windowSamples);
    this.blockFrames = stepSamples % fbank.frameShift === 0 ? stepSamples / fbank.frameShift : 0;
  }

  /** Whether frames are shared between chunks (otherwise each chunk's fbank is computed on its own). */
  get shared(): boolean {
    return this.blockFrames > 0;
  }

  /** Row-major [framesPerChunk, mel] features of chunk c, minus their mean over the chunk. */
  chunk(c: number): Float32Array {
    const mel = this.fbank.numMelBins;
    const out = new Float32Array(this.framesPerChunk * mel);
    if (this.shared) {
      const firstFrame = c * this.blockFrames;
      const firstBlock = c;
      for (const block of this.blocks.keys()) if (block < firstBlock) this.blocks.delete(block);
      for (let j = 0; j < this.framesPerChunk;) {
        const global = firstFrame + j;
        const block = Math.floor(global / this.blockFrames);
        const rows = this.block(block);
        const from = global - block * this.blockFrames;
        const count = Math.min(this.blockFrames - from, this.framesPerChunk - j);
        out.set(rows.subarray(from * mel, (from + count) * mel), j * mel);
        j += count;
      }
    } else {
      const start = c * this.stepSamples;
      out.set(this.fbank.compute(this.padded(start, this.windowSamples)));
    }
    subtractMean(out, this.framesPerChunk, mel);
    return out;
  }

  private block(index: number): Float32Array {
    let rows = this.blocks.get(index);
    if (!rows) {
      const { frameShift, frameLength } = this.fbank;
      const span = (this.blockFrames - 1) * frameShift + frameLength;
      rows = this.fbank.compute(this.padded(index * this.blockFrames * frameShift, span));
      this.blocks.set(index, rows);
    }
    return rows;
  }

  /** `length` samples from `start`, zeros past the end of the audio. */
  private padded(start: number, length: number): Float32Array {
    if (start + length <= this.samples.length) return this.samples.subarray(start, start + length);
    const out = new Float32Array(length);
    if (start < this.samples.length) out.set(this.samples.subarray(start));
    return out;
  }
}

function subtractMean(rows: Float32Array, frames: number, mel: number): void {
  if (frames === 0) return;
  const mean = new Float64Array(mel);
  for (let t = 0; t < frames; t++) for (let b = 0; b < mel; b++) mean[b] += rows[t * mel + b];
  for (let b = 0; b < mel; b++) mean[b] /= frames;
  for (let t = 0; t < frames; t++) for (let b = 0; b < mel; b++) rows[t * mel + b] -= mean[b];
}
