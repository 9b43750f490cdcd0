/** VBx speakers whose prior stays above this are kept (pyannote). */
export const MIN_SPEAKER_PRIOR = 1e-7;

/**
 * One centroid per speaker VBx kept: the mean of the raw training embeddings weighted by their
 * responsibilities. Returns [kept, dim] row-major.
 */
export function weightedCentroids(
  q: Float64Array,
  sp: Float64Array,
  embeddings: ArrayLike<number>,
  count: number,
  dim: number,
): { centroids: Float64Array; numClusters: number } {
  const speakers = sp.length;
  const kept: number[] = [];
  for (let s = 0; s < speakers; s++) if (sp[s] > MIN_SPEAKER_PRIOR) kept.push(s);
  const centroids = new Float64Array(kept.length * dim);
  kept.forEach((s, k) => {
    let mass = 0;
    for (let t = 0; t < count; t++) {
      const weight = q[t * speakers + s];
      mass += weight;
      for (let d = 0; d < dim; d++) centroids[k * dim + d] += weight * embeddings[t * dim + d];
    }
    for (let d = 0; d < dim; d++) centroids[k * dim + d] /= mass;
  });
  return { centroids, numClusters: kept.length };
}

/** Plain means of the embeddings of each label 0..numClusters-1 ([numClusters, dim]). */
export function meanCentroids(
  labels: Int32Array,
  numClusters: number,
  embeddings: ArrayLike<number>,
  dim: number,
): Float64Array {
  const centroids = new Float64Array(numClusters * dim);
  const sizes = new Int32Array(numClusters);
  labels.forEach((label, t) => {
    sizes[label]++;
    for (let d = 0; d < dim; d++) centroids[label * dim + d] += embeddings[t * dim + d];
  });
  for (let k = 0; k < numClusters; k++) {
    for (let d = 0; d < dim; d++) centroids[k * dim + d] /= Math.max(1, sizes[k]);
  }
  return centroids;
}
