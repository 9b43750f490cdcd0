/**
 * Sufficient statistics of a full-covariance Gaussian (count, sum, scatter): merging two sets of
 * frames is adding their statistics, which is what makes agglomerative ΔBIC clustering cheap.
 */
export class GaussianStats {
  count = 0;
  readonly sum: Float64Array;
  /** Upper triangle of Σ x xᵀ, row-major over i <= j. */
  readonly scatter: Float64Array;

  constructor(readonly dim: number) {
    this.sum = new Float64Array(dim);
    this.scatter = new Float64Array((dim * (dim + 1)) / 2);
  }

  add(x: ArrayLike<number>, offset = 0): void {
    const { dim, sum, scatter } = this;
    this.count++;
    let p = 0;
    for (let i = 0; i < dim; i++) {
      const xi = x[offset + i];
      sum[i] += xi;
      for (let j = i; j < dim; j++) scatter[p++] += xi * x[offset + j];
    }
  }

  addStats(other: GaussianStats): void {
    this.count += other.count;
    for (let i = 0; i < this.sum.length; i++) this.sum[i] += other.sum[i];
    for (let i = 0; i < this.scatter.length; i++) this.scatter[i] += other.scatter[i];
  }

  static merged(a: GaussianStats, b: GaussianStats): GaussianStats {
    const out = new GaussianStats(a.dim);
    out.addStats(a);
    out.addStats(b);
    return out;
  }

  mean(): Float64Array {
    const m = new Float64Array(this.dim);
    for (let i = 0; i < this.dim; i++) m[i] = this.sum[i] / Math.max(1, this.count);
    return m;
  }

  /** Diagonal of the maximum-likelihood covariance. */
  variances(): Float64Array {
    const { dim } = this;
    const out = new Float64Array(dim);
    const n = Math.max(1, this.count);
    let p = 0;
    for (let i = 0; i < dim; i++) {
      out[i] = this.scatter[p] / n - (this.sum[i] / n) ** 2;
      p += dim - i;
    }
    return out;
  }

  /**
   * log det of the ML covariance plus `ridge` on the diagonal (keeps short segments' estimates
   * invertible). Returns -Infinity-free values; a non-positive-definite matrix gets the ridge only.
   */
  logDetCovariance(ridge: Float64Array, work: Float64Array = new Float64Array(this.dim * this.dim)): number {
    const { dim, sum, scatter } = this;
    const n = Math.max(1, this.count);
    let p = 0;
    for (let i = 0; i < dim; i++) {
      for (let j = i; j < dim; j++) {
        const c = scatter[p++] / n - (sum[i] / n) * (sum[j] / n);
        work[i * dim + j] = c;
        work[j * dim + i] = c;
      }
      work[i * dim + i] += ridge[i];
    }
    return choleskyLogDet(work, dim);
  }
}

/** log det of a symmetric positive-definite matrix (destroys `a`); pivots are floored for robustness. */
export function choleskyLogDet(a: Float64Array, n: number): number {
  let logDet = 0;
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
    d = Math.max(d, 1e-12);
    const root = Math.sqrt(d);
    a[j * n + j] = root;
    logDet += Math.log(d);
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / root;
    }
  }
  return logDet;
}
