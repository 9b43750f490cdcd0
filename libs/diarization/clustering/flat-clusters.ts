import type { Dendrogram } from './centroid-linkage';

/**
 * Cuts the tree into flat clusters (scipy's fcluster, criterion "distance"): every largest subtree
 * whose merges all happened at or below `threshold` is one cluster. Clusters are numbered 0.. in
 * scipy's order, a depth-first walk from the root that visits a node's merged children (left, then
 * right) before its single points (left, then right); pyannote's numbering of AHC clusters is this.
 */
export function cutDendrogram(tree: Dendrogram, threshold: number): Int32Array {
  const n = tree.numPoints;
  const labels = new Int32Array(n);
  if (n < 2) return labels;
  const merges = n - 1;
  // Highest merge distance inside each subtree (merges are listed children first).
  const highest = new Float64Array(merges);
  for (let k = 0; k < merges; k++) {
    let value = tree.distance[k];
    for (const child of [tree.left[k], tree.right[k]]) {
      if (child >= n) value = Math.max(value, highest[child - n]);
    }
    highest[k] = value;
  }
  const stack = new Int32Array(n);
  const visited = new Uint8Array(merges);
  let depth = 0;
  stack[0] = merges - 1;
  let clusters = 0;
  let leader = -1;
  while (depth >= 0) {
    const node = stack[depth];
    const left = tree.left[node];
    const right = tree.right[node];
    if (leader === -1 && highest[node] <= threshold) {
      leader = node;
      clusters++;
    }
    if (left >= n && !visited[left - n]) {
      visited[left - n] = 1;
      stack[++depth] = left - n;
      continue;
    }
    if (right >= n && !visited[right - n]) {
      visited[right - n] = 1;
      stack[++depth] = right - n;
      continue;
    }
    for (const child of [left, right]) {
      if (child >= n) continue;
      if (leader === -1) clusters++;
      labels[child] = clusters - 1;
    }
    if (leader === node) leader = -1;
    depth--;
  }
  return labels;
}
