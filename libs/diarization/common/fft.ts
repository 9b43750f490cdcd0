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
    const { half, re, im, reversed } = this;
    for (let i = 0; i < half; i++) {
      const j = reversed[i];
      re[j] = frame[2 * i];
      im[j] = frame[2 * i + 1];
    }
    // Radix-2 stages of butterflies spanning len points, two stages per pass where possible.
    let len = 2;
    for (; 2 * len <= half; len *= 4) this.twoStages(len);
    if (len <= half) this.oneStage(len);
    this.split(out);
  }

  /**
   * The radix-2 stages of spans len and 2 len in one pass: each group of four points goes through
   * both stages in registers, halving the loads and stores; every butterfly's arithmetic is unchanged.
   */
  private twoStages(len: number): void {
    const { half, re, im, cos, sin } = this;
    const quarter = len / 2;
    const stride = half / len;
    const stride2 = stride / 2;
    for (let start = 0; start < half; start += 2 * len) {
      for (let k = 0; k < quarter; k++) {
        const p0 = start + k;
        const p1 = p0 + quarter;
        const p2 = p0 + len;
        const p3 = p2 + quarter;
        let r0 = re[p0];
        let i0 = im[p0];
        let r1 = re[p1];
        let i1 = im[p1];
        let r2 = re[p2];
        let i2 = im[p2];
        let r3 = re[p3];
        let i3 = im[p3];
        // Stage len: (p0, p1) and (p2, p3), same twiddle.
        let wr = cos[k * stride];
        let wi = sin[k * stride];
        let tr = r1 * wr - i1 * wi;
        let ti = r1 * wi + i1 * wr;
        r1 = r0 - tr;
        i1 = i0 - ti;
        r0 = r0 + tr;
        i0 = i0 + ti;
        tr = r3 * wr - i3 * wi;
        ti = r3 * wi + i3 * wr;
        r3 = r2 - tr;
        i3 = i2 - ti;
        r2 = r2 + tr;
        i2 = i2 + ti;
        // Stage 2 len: (p0, p2) with twiddle k, (p1, p3) with twiddle k + len/2.
        wr = cos[k * stride2];
        wi = sin[k * stride2];
        tr = r2 * wr - i2 * wi;
        ti = r2 * wi + i2 * wr;
        re[p2] = r0 - tr;
        im[p2] = i0 - ti;
        re[p0] = r0 + tr;
        im[p0] = i0 + ti;
        wr = cos[(k + quarter) * stride2];
        wi = sin[(k + quarter) * stride2];
        tr = r3 * wr - i3 * wi;
        ti = r3 * wi + i3 * wr;
        re[p3] = r1 - tr;
        im[p3] = i1 - ti;
        re[p1] = r1 + tr;
        im[p1] = i1 + ti;
      }
    }
  }

  /** The last radix-2 stage when the number of stages is odd. */
  private oneStage(len: number): void {
    const { half, re, im, cos, sin } = this;
    const halfLen = len / 2;
    const stride = half / len;
    for (let start = 0; start < half; start += len) {
      for (let k = 0; k < halfLen; k++) {
        const wr = cos[k * stride];
        const wi = sin[k * stride];
        const a = start + k;
        const b = a + halfLen;
        const rb = re[b];
        const ib = im[b];
        const tr = rb * wr - ib * wi;
        const ti = rb * wi + ib * wr;
        const ra = re[a];
        const ia = im[a];
        re[b] = ra - tr;
        im[b] = ia - ti;
        re[a] = ra + tr;
        im[a] = ia + ti;
      }
    }
  }

  /** Splits the half-size complex transform into the spectrum of the real frame. */
  private split(out: Float64Array): void {
    const { half, re, im, splitCos, splitSin } = this;
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
      const wr = splitCos[k];
      const wi = splitSin[k];
      const xr = evenRe + oddRe * wr - oddIm * wi;
      const xi = evenIm + oddRe * wi + oddIm * wr;
      out[k] = xr * xr + xi * xi;
    }
  }
}
