import pldaJson from './plda/plda.json';
import xvecJson from './plda/xvec_transform.json';

interface StoredArray {
  shape: number[];
  data: number[];
}

/** Raw speaker embeddings after community-1's x-vector transform, and their PLDA features for VBx. */
export interface PldaFeatures {
  /** [count, lda dimension] row-major. */
  xvec: Float64Array;
  /** [count, lda dimension] row-major; each dimension is defined up to its sign. */
  features: Float64Array;
}

/**
 * pyannote community-1's PLDA (see plda/README.md, CC-BY-4.0): embeddings are centred, unit-scaled,
 * projected by LDA, centred and unit-scaled again (the x-vector transform), then centred on the PLDA
 * mean and rotated into the space where the between-speaker covariance is diagonal (`phi`).
 */
export class Plda {
  readonly inputDimension: number;
  readonly dimension: number;
  /** Between-speaker variances of the PLDA dimensions, largest first (VBx's Phi). */
  readonly phi: Float64Array;
  private readonly mean1: Float64Array;
  private readonly mean2: Float64Array;
  /** [inputDimension, dimension] row-major. */
  private readonly lda: Float64Array;
  private readonly mu: Float64Array;
  /** [dimension, dimension]: row i projects onto PLDA dimension i. */
  private readonly rotation: Float64Array;

  constructor(
    transform: Record<'mean1' | 'mean2' | 'lda', StoredArray>,
    plda: Record<'mu' | 'tr' | 'psi', StoredArray>,
  ) {
    [this.inputDimension, this.dimension] = transform.lda.shape;
    this.mean1 = Float64Array.from(transform.mean1.data);
    this.mean2 = Float64Array.from(transform.mean2.data);
    this.lda = Float64Array.from(transform.lda.data);
    this.mu = Float64Array.from(plda.mu.data);
    const size = plda.psi.shape[0];
    if (
      this.mean1.length !== this.inputDimension ||
      this.mean2.length !== this.dimension ||
      this.mu.length !== size ||
      plda.tr.data.length !== size * size ||
      size !== this.dimension
    ) {
      throw new RangeError('PLDA arrays have inconsistent shapes');
    }
    // pyannote solves the generalized eigenproblem of the between- and within-class covariances
    // B = tr^-1 diag(psi) tr^-T and W = tr^-1 tr^-T: its eigenvalues are psi and its eigenvectors the
    // rows of tr, so sorting psi (largest first) and the rows with it is the whole computation.
    const order = Array.from({ length: size }, (_, i) => i).sort(
      (a, b) => plda.psi.data[b] - plda.psi.data[a] || a - b,
    );
    this.phi = Float64Array.from(order, (i) => plda.psi.data[i]);
    this.rotation = new Float64Array(size * size);
    order.forEach((row, i) => {
      for (let j = 0; j < size; j++) this.rotation[i * size + j] = plda.tr.data[row * size + j];
    });
  }

  /** `vectors` holds `count` embeddings of `inputDimension` values each. */
  transform(vectors: ArrayLike<number>, count: number): PldaFeatures {
    const inDim = this.inputDimension;
    const dim = this.dimension;
    if (vectors.length < count * inDim) {
      throw new RangeError(
        `PLDA: ${count} embeddings of ${inDim} values need ${count * inDim}, got ${vectors.length}`,
      );
    }
    const size = this.mu.length;
    const xvec = new Float64Array(count * dim);
    const features = new Float64Array(count * dim);
    const centred = new Float64Array(inDim);
    const projected = new Float64Array(dim);
    for (let n = 0; n < count; n++) {
      for (let d = 0; d < inDim; d++) centred[d] = vectors[n * inDim + d] - this.mean1[d];
      scaleToNorm(centred, Math.sqrt(inDim));
      projected.fill(0);
      for (let d = 0; d < inDim; d++) {
        const value = centred[d];
        const row = d * dim;
        for (let k = 0; k < dim; k++) projected[k] += value * this.lda[row + k];
      }
      for (let k = 0; k < dim; k++) projected[k] -= this.mean2[k];
      scaleToNorm(projected, Math.sqrt(dim));
      xvec.set(projected, n * dim);
      for (let i = 0; i < dim; i++) {
        let sum = 0;
        for (let j = 0; j < size; j++) sum += (projected[j] - this.mu[j]) * this.rotation[i * size + j];
        features[n * dim + i] = sum;
      }
    }
    return { xvec, features };
  }
}

/** Scales `v` in place so that its Euclidean norm is `norm` (left as is when zero). */
function scaleToNorm(v: Float64Array, norm: number): void {
  let sum = 0;
  for (const x of v) sum += x * x;
  if (sum === 0) return;
  const scale = norm / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] *= scale;
}

let shipped: Plda | null = null;

/** The PLDA shipped in plda/ (parsed once). */
export function community1Plda(): Plda {
  shipped ??= new Plda(xvecJson, pldaJson);
  return shipped;
}
