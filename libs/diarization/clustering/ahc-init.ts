import type { Yielder } from '../common';
import { centroidLinkage } from './centroid-linkage';
import { cutDendrogram } from './flat-clusters';

/**
 * VBx's initial clusters: the raw embeddings scaled to unit length (rounded to float32, as pyannote
 * holds them), centroid-linkage AHC, cut at `threshold` (community-1: 0.6). Labels 0.. in scipy's
 * order, so that they equal pyannote's.
 */
export async function initialClusters(
  embeddings: ArrayLike<number>,
  count: number,
  dim: number,
  threshold: number,
  pause?: Yielder,
): Promise<Int32Array> {
  const unit = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += embeddings[i * dim + d] ** 2;
    const norm = Math.fround(Math.sqrt(sum));
    for (let d = 0; d < dim; d++) unit[i * dim + d] = Math.fround(embeddings[i * dim + d] / norm);
  }
  const tree = await centroidLinkage(unit, count, dim, pause);
  return cutDendrogram(tree, threshold);
}
