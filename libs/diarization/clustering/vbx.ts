import type { Yielder } from '../common';

export interface VbxOptions {
  /** Scale of the data's sufficient statistics (community-1: 0.07). */
  fa: number;
  /** Speaker regularization: larger drops more speakers (community-1: 0.8). */
  fb: number;
  /** Iteration limit (community-1: 20). */
  maxIters: number;
  /** Stops once the ELBO gains less than this. Default 1e-4. */
  epsilon?: number;
  /** Sharpness of the initial responsibilities around the AHC labels. Default 7. */
  initSmoothing?: number;
}

export interface VbxResult {
  numSpeakers: number;
  /** Responsibilities [count, numSpeakers] row-major. */
  q: Float64Array;
  /** Speaker priors; a speaker VBx dropped ends near 0. */
  sp: Float64Array;
  elbo: number[];
}

/**
 * Bayesian clustering of PLDA features (VBx, Landini et al. 2022, without the HMM as pyannote runs
 * it): speakers are Gaussians in the PLDA space with prior variances `phi`; starting from the AHC
 * labels (one-hot, softened by a softmax), alternate the speaker posteriors and the responsibilities
 * until the evidence lower bound stops improving.
 */
export async function runVbx(
  features: Float64Array,
  count: number,
  phi: Float64Array,
  initLabels: Int32Array,
  options: VbxOptions,
  pause?: Yielder,
): Promise<VbxResult> {
  const dim = phi.length;
  let speakers = 0;
  for (const label of initLabels) speakers = Math.max(speakers, label + 1);
  const { fa, fb, maxIters } = options;
  const epsilon = options.epsilon ?? 1e-4;
  const smoothing = options.initSmoothing ?? 7;

  // Softmax of the one-hot labels times `smoothing`.
  const q = new Float64Array(count * speakers);
  const off = 1 / (Math.exp(smoothing) + speakers - 1);
  const on = Math.exp(smoothing) * off;
  for (let t = 0; t < count; t++) {
    for (let s = 0; s < speakers; s++) q[t * speakers + s] = initLabels[t] === s ? on : off;
  }
  let pi = new Float64Array(speakers).fill(1 / speakers);

  // rho = X * sqrt(phi); G = per-point constant of the log-likelihood.
  const rho = new Float64Array(count * dim);
  const g = new Float64Array(count);
  const sqrtPhi = phi.map(Math.sqrt);
  for (let t = 0; t < count; t++) {
    let sum = 0;
    for (let d = 0; d < dim; d++) {
      const x = features[t * dim + d];
      sum += x * x;
      rho[t * dim + d] = x * sqrtPhi[d];
    }
    g[t] = -0.5 * (sum + dim * Math.log(2 * Math.PI));
  }

  const invL = new Float64Array(speakers * dim);
  const alpha = new Float64Array(speakers * dim);
  const logP = new Float64Array(count * speakers);
  const penalty = new Float64Array(speakers);
  const elbo: number[] = [];
  for (let iter = 0; iter < maxIters; iter++) {
    // Speaker posteriors given the responsibilities.
    alpha.fill(0);
    for (let t = 0; t < count; t++) {
      for (let s = 0; s < speakers; s++) {
        const weight = q[t * speakers + s];
        if (weight === 0) continue;
        for (let d = 0; d < dim; d++) alpha[s * dim + d] += weight * rho[t * dim + d];
      }
      if (t % 32 === 31) await pause?.();
    }
    for (let s = 0; s < speakers; s++) {
      let mass = 0;
      for (let t = 0; t < count; t++) mass += q[t * speakers + s];
      let sum = 0;
      for (let d = 0; d < dim; d++) {
        const il = 1 / (1 + (fa / fb) * mass * phi[d]);
        invL[s * dim + d] = il;
        alpha[s * dim + d] *= (fa / fb) * il;
        const a = alpha[s * dim + d];
        sum += (il + a * a) * phi[d];
      }
      penalty[s] = 0.5 * sum;
    }
    // Responsibilities given the speakers.
    const logPi = pi.map((p) => Math.log(p + 1e-8));
    let total = 0;
    for (let t = 0; t < count; t++) {
      let max = -Infinity;
      for (let s = 0; s < speakers; s++) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += rho[t * dim + d] * alpha[s * dim + d];
        const value = fa * (dot - penalty[s] + g[t]) + logPi[s];
        logP[t * speakers + s] = value;
        if (value > max) max = value;
      }
      let sum = 0;
      for (let s = 0; s < speakers; s++) sum += Math.exp(logP[t * speakers + s] - max);
      const logSum = max + Math.log(sum);
      total += logSum;
      for (let s = 0; s < speakers; s++) q[t * speakers + s] = Math.exp(logP[t * speakers + s] - logSum);
      if (t % 32 === 31) await pause?.();
    }
    const next = new Float64Array(speakers);
    for (let t = 0; t < count; t++) for (let s = 0; s < speakers; s++) next[s] += q[t * speakers + s];
    const mass = next.reduce((a, b) => a + b, 0);
    pi = next.map((v) => v / mass);

    let regularizer = 0;
    for (let i = 0; i < speakers * dim; i++) {
      regularizer += Math.log(invL[i]) - invL[i] - alpha[i] * alpha[i] + 1;
    }
    const value = total + fb * 0.5 * regularizer;
    elbo.push(value);
    if (iter > 0 && value - elbo[iter - 1] < epsilon) break;
    await pause?.();
  }
  return { numSpeakers: speakers, q, sp: pi, elbo };
}
