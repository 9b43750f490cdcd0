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

  /** Makes this the statistics of a's and b's frames together (scratch for a pair: no allocation). */
  setToSum(a: GaussianStats, b: GaussianStats): this {
    this.count = a.count + b.count;
    for (let i = 0; i < this.sum.length; i++) this.sum[i] = a.sum[i] + b.sum[i];
    for (let i = 0; i < this.scatter.length; i++) this.scatter[i] = a.scatter[i] + b.scatter[i];
    return this;
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
   * `work` is scratch for the matrix followed by the mean (dim * (dim + 1) numbers).
   */
  logDetCovariance(
    ridge: Float64Array,
    work: Float64Array = new Float64Array(this.dim * (this.dim + 1)),
  ): number {
    const { dim, sum, scatter } = this;
    const n = Math.max(1, this.count);
    const mean = dim * dim;
    for (let i = 0; i < dim; i++) work[mean + i] = sum[i] / n;
    // Only the lower triangle: all that choleskyLogDet reads.
    let p = 0;
    for (let i = 0; i < dim; i++) {
      const mi = work[mean + i];
      for (let j = i; j < dim; j++) work[j * dim + i] = scatter[p++] / n - mi * work[mean + j];
      work[i * dim + i] += ridge[i];
    }
    return choleskyLogDet(work, dim);
  }
}

/**
 * log det of a symmetric positive-definite matrix from its lower triangle (which it overwrites with
 * the Cholesky factor); pivots are floored for robustness.
 */
export function choleskyLogDet(a: Float64Array, n: number): number {
  let logDet = 0;
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let d = a[rowJ + j];
    for (let k = 0; k < j; k++) d -= a[rowJ + k] * a[rowJ + k];
    d = Math.max(d, 1e-12);
    const root = Math.sqrt(d);
    a[rowJ + j] = root;
    logDet += Math.log(d);
    let i = j + 1;
    for (; i + 3 < n; i += 4) choleskyFourRows(a, n, i, j, root);
    for (; i < n; i++) {
      const rowI = i * n;
      let s = a[rowI + j];
      for (let k = 0; k < j; k++) s -= a[rowI + k] * a[rowJ + k];
      a[rowI + j] = s / root;
    }
  }
  return logDet;
}

/**
 * Column j of rows i..i+3 of the factor. Each row's sum is a chain of dependent subtractions: four
 * chains side by side keep the CPU busy, and each still subtracts in the same order as on its own.
 */
function choleskyFourRows(a: Float64Array, n: number, i: number, j: number, root: number): void {
  const rowJ = j * n;
  const r0 = i * n;
  const r1 = r0 + n;
  const r2 = r1 + n;
  const r3 = r2 + n;
  let s0 = a[r0 + j];
  let s1 = a[r1 + j];
  let s2 = a[r2 + j];
  let s3 = a[r3 + j];
  for (let k = 0; k < j; k++) {
    const v = a[rowJ + k];
    s0 -= a[r0 + k] * v;
    s1 -= a[r1 + k] * v;
    s2 -= a[r2 + k] * v;
    s3 -= a[r3 + k] * v;
  }
  a[r0 + j] = s0 / root;
  a[r1 + j] = s1 / root;
  a[r2 + j] = s2 / root;
  a[r3 + j] = s3 / root;
}
