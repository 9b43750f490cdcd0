import { RealPowerSpectrum } from '../common';

export type WindowType = 'povey' | 'hamming' | 'hanning' | 'rectangular';

/** Kaldi's `compute-fbank-feats` options that speaker-embedding front ends use (snip_edges = true, no dither). */
export interface FbankOptions {
  sampleRate?: number;
  frameLengthMs?: number;
  frameShiftMs?: number;
  numMelBins?: number;
  lowFreq?: number;
  /** 0 = Nyquist; negative = that many Hz below Nyquist (Kaldi's convention). */
  highFreq?: number;
  preemphasis?: number;
  removeDcOffset?: boolean;
  window?: WindowType;
  /** Samples are multiplied by this first (WeSpeaker feeds 16-bit integer range: 32768). */
  inputScale?: number;
}

const FLT_EPSILON = 1.1920928955078125e-7;

export function melScale(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/**
 * Kaldi-compatible log mel filterbank (the `torchaudio.compliance.kaldi.fbank` recipe): per 25 ms frame,
 * DC removal, pre-emphasis, window, zero-padding to a power of two, power spectrum, triangular mel
 * filters (on Kaldi's 1127 ln(1 + f/700) scale), log with a float-epsilon floor.
 */
export class FbankExtractor {
  readonly sampleRate: number;
  readonly frameLength: number;
  readonly frameShift: number;
  readonly numMelBins: number;
  private readonly preemphasis: number;
  private readonly removeDcOffset: boolean;
  private readonly inputScale: number;
  private readonly window: Float64Array;
  private readonly fft: RealPowerSpectrum;
  private readonly frame: Float64Array;
  private readonly spectrum: Float64Array;
  /** Filter b spans FFT bins [filterStart[b], filterStart[b] + filterWeights[b].length). */
  private readonly filterStart: Int32Array;
  private readonly filterWeights: Float64Array[];

  constructor(options: FbankOptions = {}) {
    this.sampleRate = options.sampleRate ?? 16000;
    this.frameLength = Math.round((this.sampleRate * (options.frameLengthMs ?? 25)) / 1000);
    this.frameShift = Math.round((this.sampleRate * (options.frameShiftMs ?? 10)) / 1000);
    this.numMelBins = options.numMelBins ?? 80;
    this.preemphasis = options.preemphasis ?? 0.97;
    this.removeDcOffset = options.removeDcOffset ?? true;
    this.inputScale = options.inputScale ?? 1;
    if (this.frameLength < 2 || this.frameShift < 1 || this.numMelBins < 1) {
      throw new RangeError('fbank: frame length, frame shift and mel bins must be positive');
    }
    let padded = 4;
    while (padded < this.frameLength) padded *= 2;
    this.fft = new RealPowerSpectrum(padded);
    this.frame = new Float64Array(padded);
    this.spectrum = new Float64Array(padded / 2 + 1);
    this.window = windowFunction(options.window ?? 'povey', this.frameLength);

    const nyquist = this.sampleRate / 2;
    const lowFreq = options.lowFreq ?? 20;
    const highOption = options.highFreq ?? 0;
    const highFreq = highOption > 0 ? highOption : nyquist + highOption;
    if (!(lowFreq >= 0 && highFreq > lowFreq && highFreq <= nyquist)) {
      throw new RangeError(`fbank: need 0 <= lowFreq < highFreq <= ${nyquist}, got ${lowFreq}..${highFreq}`);
    }
    const melLow = melScale(lowFreq);
    const melDelta = (melScale(highFreq) - melLow) / (this.numMelBins + 1);
    const binWidth = this.sampleRate / padded;
    this.filterStart = new Int32Array(this.numMelBins);
    this.filterWeights = [];
    for (let b = 0; b < this.numMelBins; b++) {
      const left = melLow + b * melDelta;
      const center = left + melDelta;
      const right = center + melDelta;
      const weights: number[] = [];
      let first = -1;
      for (let i = 0; i < padded / 2; i++) {
        const mel = melScale(binWidth * i);
        if (mel > left && mel < right) {
          if (first < 0) first = i;
          weights.push(mel <= center ? (mel - left) / (center - left) : (right - mel) / (right - center));
        } else if (first >= 0) {
          break;
        }
      }
      this.filterStart[b] = Math.max(0, first);
      this.filterWeights.push(Float64Array.from(weights));
    }
  }

  /** Frames that fit entirely in `numSamples` samples (Kaldi's snip_edges = true). */
  numFrames(numSamples: number): number {
    return numSamples < this.frameLength
      ? 0
      : 1 + Math.floor((numSamples - this.frameLength) / this.frameShift);
  }

  /** Log mel energies of every frame of `samples`, row-major [frames, numMelBins]. */
  compute(samples: Float32Array): Float32Array {
    const frames = this.numFrames(samples.length);
    const out = new Float32Array(frames * this.numMelBins);
    for (let t = 0; t < frames; t++)
      this.computeFrame(samples, t * this.frameShift, out, t * this.numMelBins);
    return out;
  }

  /** Log mel energies of the frame starting at sample `start`, written to `out` at `offset`. */
  computeFrame(samples: Float32Array, start: number, out: Float32Array | Float64Array, offset: number): void {
    const { frame, frameLength, window } = this;
    let mean = 0;
    for (let i = 0; i < frameLength; i++) {
      const value = samples[start + i] * this.inputScale;
      frame[i] = value;
      mean += value;
    }
    if (this.removeDcOffset) {
      mean /= frameLength;
      for (let i = 0; i < frameLength; i++) frame[i] -= mean;
    }
    if (this.preemphasis !== 0) {
      for (let i = frameLength - 1; i > 0; i--) frame[i] -= this.preemphasis * frame[i - 1];
      frame[0] -= this.preemphasis * frame[0];
    }
    for (let i = 0; i < frameLength; i++) frame[i] *= window[i];
    frame.fill(0, frameLength);
    this.fft.compute(frame, this.spectrum);
    for (let b = 0; b < this.numMelBins; b++) {
      const weights = this.filterWeights[b];
      const first = this.filterStart[b];
      let energy = 0;
      for (let i = 0; i < weights.length; i++) energy += weights[i] * this.spectrum[first + i];
      out[offset + b] = Math.log(Math.max(energy, FLT_EPSILON));
    }
  }
}

export function windowFunction(type: WindowType, length: number): Float64Array {
  const window = new Float64Array(length);
  const a = (2 * Math.PI) / (length - 1);
  for (let i = 0; i < length; i++) {
    switch (type) {
      case 'povey':
        window[i] = Math.pow(0.5 - 0.5 * Math.cos(a * i), 0.85);
        break;
      case 'hamming':
        window[i] = 0.54 - 0.46 * Math.cos(a * i);
        break;
      case 'hanning':
        window[i] = 0.5 - 0.5 * Math.cos(a * i);
        break;
      case 'rectangular':
        window[i] = 1;
        break;
    }
  }
  return window;
}
