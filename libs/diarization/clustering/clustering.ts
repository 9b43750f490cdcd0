import { agglomerateSync } from '../common';
import type { LocalEmbeddings } from '../embeddings';
import { maxWeightAssignment } from '../common';
import type { SpeakerBounds } from '../speaker-bounds';

export interface EmbeddingClusteringOptions {
  /** Centroid-linkage distance between unit-length embeddings below which clusters merge (pyannote 3.1). */
  threshold?: number;
  /** Clusters with fewer embeddings are folded into the nearest large one (pyannote 3.1: 12). */
  minClusterSize?: number;
  /** Most clusters in one agglomeration; longer files are pre-clustered in time blocks. */
  blockSize?: number;
}

interface Group {
  /** Sum of member unit vectors (centroid = sum / size). */
  sum: Float64Array;
  size: number;
  members: number[];
}

/**
 * pyannote 3.1's clustering of (window, local speaker) embeddings: unit-normalize, centroid-linkage
 * agglomerative clustering with a distance threshold, small clusters folded into the nearest large
 * one, the exact count or min/max bounds enforced, then every local speaker of a window assigned
 * to its most similar centroid with two speakers of one window never sharing a cluster.
 * Returns the global label of each (chunk * numLocalSpeakers + speaker), -1 where none.
 */
export function clusterEmbeddings(
  embeddings: LocalEmbeddings,
  numLocalSpeakers: number,
  bounds: SpeakerBounds,
  options: EmbeddingClusteringOptions = {},
): Int32Array {
  const { dimension, vectors, valid } = embeddings;
  const total = valid.length;
  const labels = new Int32Array(total).fill(-1);
  const indices: number[] = [];
  for (let i = 0; i < total; i++) if (valid[i]) indices.push(i);
  if (indices.length === 0 || dimension === 0) return labels;

  const unit = new Float64Array(total * dimension);
  for (const i of indices) {
    let norm = 0;
    for (let d = 0; d < dimension; d++) norm += vectors[i * dimension + d] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let d = 0; d < dimension; d++) unit[i * dimension + d] = vectors[i * dimension + d] / norm;
  }
  const threshold = options.threshold ?? 0.7045654963945799;
  const minSize = Math.max(1, Math.min(options.minClusterSize ?? 12, Math.round(0.1 * indices.length)));
  const blockSize = Math.max(8, options.blockSize ?? 1000);

  let groups: Group[] = indices.map((i) => ({
    sum: Float64Array.from(unit.subarray(i * dimension, (i + 1) * dimension)),
    size: 1,
    members: [i],
  }));
  const distance = (a: Group, b: Group): number => {
    let d = 0;
    for (let k = 0; k < dimension; k++) d += (a.sum[k] / a.size - b.sum[k] / b.size) ** 2;
    return Math.sqrt(d);
  };
  const run = (
    list: Group[],
    stop: (a: Group, b: Group, cost: number, clusters: number) => boolean,
  ): Group[] => {
    const owner = agglomerateSync(
      list.length,
      (a, b) => distance(list[a], list[b]),
      (a, b) => {
        for (let k = 0; k < dimension; k++) list[a].sum[k] += list[b].sum[k];
        list[a].size += list[b].size;
        list[a].members.push(...list[b].members);
        list[b].size = 0;
      },
      (a, b, cost, clusters) => stop(list[a], list[b], cost, clusters),
    );
    return list.filter((_, i) => owner[i] === i);
  };

  // Bounded memory on long files: merge only very close embeddings within time blocks first.
  while (groups.length > blockSize) {
    const blocks: Group[][] = [];
    for (let i = 0; i < groups.length; i += blockSize) blocks.push(groups.slice(i, i + blockSize));
    let reduced = blocks.flatMap((block) => run(block, (_a, _b, cost) => cost > threshold / 2));
    if (reduced.length > 0.75 * groups.length) {
      reduced = blocks.flatMap((block) => run(block, (_a, _b, _cost, n) => n <= Math.ceil(block.length / 2)));
    }
    groups = reduced;
  }

  const isLarge = (g: Group): boolean => g.size >= minSize;
  const target = bounds.exact;
  groups = run(groups, (a, b, cost, clusters) => {
    const large = groupsLarge(groups, isLarge);
    if (target !== undefined) {
      // Stop once exactly `target` large clusters would be left by merging further.
      if (clusters <= target) return true;
      return isLarge(a) && isLarge(b) && large <= target;
    }
    if (clusters <= bounds.min) return true;
    if (large > bounds.max) return false;
    return cost > threshold;
  });
  let large = groups.filter(isLarge);
  const wanted = target ?? Math.min(bounds.max, Math.max(bounds.min, large.length));
  if (large.length !== wanted) {
    // Too few large clusters (or too many): the biggest `wanted` groups become the speakers.
    large = groups
      .slice()
      .sort((a, b) => b.size - a.size)
      .slice(0, Math.max(1, wanted));
  }
  const centroids = large.map((g) => normalize(g.sum.map((v) => v / g.size)));

  // Assign every valid (window, speaker) to a centroid, one cluster per speaker within a window.
  const numChunks = total / numLocalSpeakers;
  for (let c = 0; c < numChunks; c++) {
    const rows: number[] = [];
    for (let s = 0; s < numLocalSpeakers; s++)
      if (valid[c * numLocalSpeakers + s]) rows.push(c * numLocalSpeakers + s);
    if (rows.length === 0) continue;
    const similarity = rows.map((i) =>
      centroids.map((centroid) => {
        let dot = 0;
        for (let d = 0; d < dimension; d++) dot += unit[i * dimension + d] * centroid[d];
        return dot + 2; // keep weights positive for the assignment
      }),
    );
    const assignment = maxWeightAssignment(similarity);
    rows.forEach((i, r) => (labels[i] = assignment[r]));
  }
  return labels;
}

function groupsLarge(groups: Group[], isLarge: (g: Group) => boolean): number {
  let n = 0;
  for (const g of groups) if (g.size > 0 && isLarge(g)) n++;
  return n;
}

function normalize(v: Float64Array): Float64Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return v.map((x) => x / norm);
}
