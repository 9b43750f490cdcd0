import { FbankExtractor, type FbankOptions } from '../embeddings';

export interface MfccOptions extends FbankOptions {
  /** Cepstra kept after c0 (c0 is energy, which says little about who speaks). */
  numCepstra?: number;
}

/** MFCCs c1..cN: the orthonormal DCT-II of Kaldi-style log mel energies. */
export class MfccExtractor {
  readonly dim: number;
  readonly frameLength: number;
  readonly frameShift: number;
  private readonly fbank: FbankExtractor;
  private readonly dct: Float64Array;
  private readonly logMel: Float64Array;

  constructor(options: MfccOptions = {}) {
    this.fbank = new FbankExtractor({ numMelBins: 40, ...options });
    this.frameLength = this.fbank.frameLength;
    this.frameShift = this.fbank.frameShift;
    const bins = this.fbank.numMelBins;
    this.dim = Math.min(options.numCepstra ?? 19, bins - 1);
    this.dct = new Float64Array(this.dim * bins);
    for (let k = 0; k < this.dim; k++) {
      for (let m = 0; m < bins; m++) {
        this.dct[k * bins + m] = Math.sqrt(2 / bins) * Math.cos((Math.PI * (k + 1) * (m + 0.5)) / bins);
      }
    }
    this.logMel = new Float64Array(bins);
  }

  /** Cepstra of the frame starting at sample `start`, written to `out` at `offset`. */
  computeFrame(samples: Float32Array, start: number, out: Float64Array | Float32Array, offset: number): void {
    this.fbank.computeFrame(samples, start, this.logMel, 0);
    let k = 0;
    for (; k + 3 < this.dim; k += 4) this.fourCepstra(k, out, offset);
    for (; k < this.dim; k++) {
      const bins = this.fbank.numMelBins;
      const row = k * bins;
      let value = 0;
      for (let m = 0; m < bins; m++) value += this.dct[row + m] * this.logMel[m];
      out[offset + k] = value;
    }
  }

  /** Cepstra k..k+3: four independent sums side by side (each in its own order) keep the CPU busy. */
  private fourCepstra(k: number, out: Float64Array | Float32Array, offset: number): void {
    const { dct, logMel } = this;
    const bins = this.fbank.numMelBins;
    const r0 = k * bins;
    const r1 = r0 + bins;
    const r2 = r1 + bins;
    const r3 = r2 + bins;
    let v0 = 0;
    let v1 = 0;
    let v2 = 0;
    let v3 = 0;
    for (let m = 0; m < bins; m++) {
      const x = logMel[m];
      v0 += dct[r0 + m] * x;
      v1 += dct[r1 + m] * x;
      v2 += dct[r2 + m] * x;
      v3 += dct[r3 + m] * x;
    }
    out[offset + k] = v0;
    out[offset + k + 1] = v1;
    out[offset + k + 2] = v2;
    out[offset + k + 3] = v3;
  }
}
