/**
 * Power spectrum |X_k|^2, k = 0..n/2, of a real frame of length n (a power of two), computed with
 * one complex FFT of n/2 points plus the usual split step. Twiddles and bit-reversal are built once.
 */
export class RealPowerSpectrum {
  private readonly half: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly splitCos: Float64Array;
  private readonly splitSin: Float64Array;
  private readonly reversed: Uint32Array;

  constructor(readonly size: number) {
    if (size < 4 || (size & (size - 1)) !== 0)
      throw new RangeError(`FFT size must be a power of two >= 4, got ${size}`);
    const half = size / 2;
    this.half = half;
    this.re = new Float64Array(half);
    this.im = new Float64Array(half);
    this.cos = new Float64Array(half / 2);
    this.sin = new Float64Array(half / 2);
    for (let i = 0; i < half / 2; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / half);
      this.sin[i] = -Math.sin((2 * Math.PI * i) / half);
    }
    this.splitCos = new Float64Array(half);
    this.splitSin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.splitCos[k] = Math.cos((2 * Math.PI * k) / size);
      this.splitSin[k] = -Math.sin((2 * Math.PI * k) / size);
    }
    this.reversed = new Uint32Array(half);
    const bits = Math.log2(half);
    for (let i = 0; i < half; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.reversed[i] = r;
    }
  }

  /** `frame` holds `size` samples (zero-padded by the caller); `out` receives size/2 + 1 values. */
  compute(frame: Float64Array, out: Float64Array): void {
    const { half, re, im } = this;
    for (let i = 0; i < half; i++) {
      const j = this.reversed[i];
      re[j] = frame[2 * i];
      im[j] = frame[2 * i + 1];
    }
    for (let len = 2; len <= half; len *= 2) {
      const halfLen = len / 2;
      const stride = half / len;
      for (let start = 0; start < half; start += len) {
        for (let k = 0; k < halfLen; k++) {
          const wr = this.cos[k * stride];
          const wi = this.sin[k * stride];
          const a = start + k;
          const b = a + halfLen;
          const tr = re[b] * wr - im[b] * wi;
          const ti = re[b] * wi + im[b] * wr;
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
    // Split the half-size complex transform into the spectrum of the real frame.
    out[0] = (re[0] + im[0]) ** 2;
    out[half] = (re[0] - im[0]) ** 2;
    for (let k = 1; k < half; k++) {
      const ar = re[k];
      const ai = im[k];
      const br = re[half - k];
      const bi = -im[half - k];
      const evenRe = (ar + br) / 2;
      const evenIm = (ai + bi) / 2;
      const oddRe = (ai - bi) / 2;
      const oddIm = -(ar - br) / 2;
      const wr = this.splitCos[k];
      const wi = this.splitSin[k];
      const xr = evenRe + oddRe * wr - oddIm * wi;
      const xi = evenIm + oddRe * wi + oddIm * wr;
      out[k] = xr * xr + xi * xi;
    }
  }
}
