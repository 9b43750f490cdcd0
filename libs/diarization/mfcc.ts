import { FbankExtractor, type FbankOptions } from './fbank';

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
    const bins = this.fbank.numMelBins;
    this.fbank.computeFrame(samples, start, this.logMel, 0);
    for (let k = 0; k < this.dim; k++) {
      let value = 0;
      const row = k * bins;
      for (let m = 0; m < bins; m++) value += this.dct[row + m] * this.logMel[m];
      out[offset + k] = value;
    }
  }
}
