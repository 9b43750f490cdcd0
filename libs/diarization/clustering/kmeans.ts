import { seededRandom } from '../common';

export interface KMeansOptions {
  /** Restarts; the run with the lowest inertia wins. Default 3 (pyannote's). */
  restarts?: number;
  maxIters?: number;
  seed?: number;
}

/**
 * k-means (k-means++ seeding, Lloyd iterations) of `count` points, for a forced speaker count:
 * pyannote re-clusters the normalized training embeddings this way when VBx's count falls outside
 * the requested bounds. Seeded, so a file always gives the same answer (not sklearn's exact draws).
 * Returns a label 0..k-1 per point.
 */
export function kMeans(
  points: ArrayLike<number>,
  count: number,
  dim: number,
  k: number,
  options: KMeansOptions = {},
): Int32Array {
  const clusters = Math.max(1, Math.min(k, count));
  const random = seededRandom(options.seed ?? 42);
  let best: { labels: Int32Array; inertia: number } | null = null;
  for (let run = 0; run < (options.restarts ?? 3); run++) {
    const centres = seedCentres(points, count, dim, clusters, random);
    const outcome = lloyd(points, count, dim, centres, clusters, options.maxIters ?? 300);
    if (!best || outcome.inertia < best.inertia) best = outcome;
  }
  return best ? best.labels : new Int32Array(count);
}

function squaredDistance(
  points: ArrayLike<number>,
  i: number,
  centres: Float64Array,
  c: number,
  dim: number,
): number {
  let sum = 0;
  for (let d = 0; d < dim; d++) {
    const diff = points[i * dim + d] - centres[c * dim + d];
    sum += diff * diff;
  }
  return sum;
}

/** k-means++: each next centre drawn with probability proportional to its squared distance. */
function seedCentres(
  points: ArrayLike<number>,
  count: number,
  dim: number,
  k: number,
  random: () => number,
): Float64Array {
  const centres = new Float64Array(k * dim);
  const take = (c: number, i: number): void => {
    for (let d = 0; d < dim; d++) centres[c * dim + d] = points[i * dim + d];
  };
  take(0, Math.floor(random() * count));
  const nearest = new Float64Array(count).fill(Infinity);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < count; i++) {
      nearest[i] = Math.min(nearest[i], squaredDistance(points, i, centres, c - 1, dim));
      total += nearest[i];
    }
    let target = random() * total;
    let chosen = count - 1;
    for (let i = 0; i < count; i++) {
      target -= nearest[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
    take(c, chosen);
  }
  return centres;
}

function lloyd(
  points: ArrayLike<number>,
  count: number,
  dim: number,
  centres: Float64Array,
  k: number,
  maxIters: number,
): { labels: Int32Array; inertia: number } {
  const labels = new Int32Array(count).fill(-1);
  let inertia = Infinity;
  for (let iter = 0; iter < maxIters; iter++) {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < count; i++) {
      let bestCluster = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        const distance = squaredDistance(points, i, centres, c, dim);
        if (distance < bestDistance) {
          bestDistance = distance;
          bestCluster = c;
        }
      }
      inertia += bestDistance;
      if (labels[i] !== bestCluster) changed = true;
      labels[i] = bestCluster;
    }
    if (!changed) break;
    const sizes = new Int32Array(k);
    centres.fill(0);
    for (let i = 0; i < count; i++) {
      sizes[labels[i]]++;
      for (let d = 0; d < dim; d++) centres[labels[i] * dim + d] += points[i * dim + d];
    }
    for (let c = 0; c < k; c++) {
      if (sizes[c] === 0) continue; // an emptied centre keeps the zero vector until a point comes back
      for (let d = 0; d < dim; d++) centres[c * dim + d] /= sizes[c];
    }
  }
  return { labels, inertia };
}
