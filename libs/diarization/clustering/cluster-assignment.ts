import type { Yielder } from '../common';
import { linearSumAssignment } from './linear-sum-assignment';

/** Marks a (window, local speaker) that belongs to no cluster. */
export const NO_CLUSTER = -2;

/**
 * pyannote's soft cluster scores, 2 - cosine distance (= 1 + cosine similarity), of every
 * (window, local speaker) embedding to every centroid: [pairs, numClusters] row-major. Pairs without
 * an embedding (`valid` 0) or with a zero vector get NaN.
 */
export async function centroidScores(
  vectors: ArrayLike<number>,
  valid: Uint8Array,
  dim: number,
  centroids: Float64Array,
  numClusters: number,
  pause?: Yielder,
): Promise<Float64Array> {
  const pairs = valid.length;
  const scores = new Float64Array(pairs * numClusters).fill(NaN);
  const centroidNorms = new Float64Array(numClusters);
  for (let k = 0; k < numClusters; k++) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += centroids[k * dim + d] ** 2;
    centroidNorms[k] = Math.sqrt(sum);
  }
  for (let p = 0; p < pairs; p++) {
    if (p % 1024 === 1023) await pause?.();
    if (!valid[p]) continue;
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += vectors[p * dim + d] ** 2;
    const norm = Math.sqrt(sum);
    for (let k = 0; k < numClusters; k++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += vectors[p * dim + d] * centroids[k * dim + d];
      scores[p * numClusters + k] = 2 - (1 - dot / (norm * centroidNorms[k]));
    }
  }
  return scores;
}

/**
 * Community-1's constrained assignment: within each window, local speakers and clusters are paired
 * one-to-one so that the summed score is largest (two local speakers of a window are two different
 * people). Silent local speakers (`active` 0) and those without a score take a score below every
 * real one, so they only get the clusters nobody else wanted. With fewer clusters than local
 * speakers, the left-over speakers get NO_CLUSTER. Returns a cluster per pair.
 */
export async function assignConstrained(
  scores: Float64Array,
  numClusters: number,
  numLocalSpeakers: number,
  active: Uint8Array,
  pause?: Yielder,
): Promise<Int32Array> {
  const pairs = active.length;
  const hard = new Int32Array(pairs).fill(NO_CLUSTER);
  let lowest = Infinity;
  for (const score of scores) if (score < lowest) lowest = score;
  const floor = (Number.isFinite(lowest) ? lowest : 0) - 1;
  const block = new Float64Array(numLocalSpeakers * numClusters);
  for (let first = 0; first < pairs; first += numLocalSpeakers) {
    if (first % (256 * numLocalSpeakers) === 0) await pause?.();
    for (let s = 0; s < numLocalSpeakers; s++) {
      for (let k = 0; k < numClusters; k++) {
        const score = scores[(first + s) * numClusters + k];
        block[s * numClusters + k] = active[first + s] && !Number.isNaN(score) ? score : floor;
      }
    }
    const columns = linearSumAssignment(block, numLocalSpeakers, numClusters, true);
    for (let s = 0; s < numLocalSpeakers; s++) if (columns[s] >= 0) hard[first + s] = columns[s];
  }
  return hard;
}

/** Each pair to its best-scoring cluster (used when a forced count makes the constraint unfair). */
export function assignToNearest(scores: Float64Array, numClusters: number, pairs: number): Int32Array {
  const hard = new Int32Array(pairs).fill(NO_CLUSTER);
  for (let p = 0; p < pairs; p++) {
    let best = -Infinity;
    for (let k = 0; k < numClusters; k++) {
      const score = scores[p * numClusters + k];
      if (score > best) {
        best = score;
        hard[p] = k;
      }
    }
  }
  return hard;
}
