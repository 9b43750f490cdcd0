import type { Yielder } from '../common';

/**
 * A binary merge tree over n points, scipy's linkage-matrix layout: merge k joins clusters `left[k]`
 * and `right[k]` (ids below n are points, n + j is the cluster made by merge j; left < right) at
 * `distance[k]`, giving `size[k]` points.
 */
export interface Dendrogram {
  numPoints: number;
  left: Int32Array;
  right: Int32Array;
  distance: Float64Array;
  size: Int32Array;
}

/** Above this many points the pairwise distances are stored as float32 (half the memory). */
const MAX_FLOAT64_POINTS = 8192;

/**
 * Centroid-linkage agglomerative clustering of `count` points (rows of `points`, `dim` values each)
 * under the Euclidean distance, by Müllner's generic algorithm as scipy's linkage runs it: each
 * cluster keeps a lower bound of its distance to its nearest cluster of higher index in a heap, the
 * cheapest pair is merged into the slot of its higher index, and distances to the merged cluster come
 * from the Lance-Williams update for centroids. Following scipy step for step (same tie-breaking)
 * gives the same tree, which fixes how flat clusters are numbered.
 */
export async function centroidLinkage(
  points: ArrayLike<number>,
  count: number,
  dim: number,
  pause?: Yielder,
): Promise<Dendrogram> {
  const n = count;
  const merges = Math.max(0, n - 1);
  const tree: Dendrogram = {
    numPoints: n,
    left: new Int32Array(merges),
    right: new Int32Array(merges),
    distance: new Float64Array(merges),
    size: new Int32Array(merges),
  };
  if (n < 2) return tree;
  const pairs = (n * (n - 1)) / 2;
  const dist = n <= MAX_FLOAT64_POINTS ? new Float64Array(pairs) : new Float32Array(pairs);
  const at = (i: number, j: number): number =>
    i < j ? n * i - (i * (i + 1)) / 2 + j - i - 1 : n * j - (j * (j + 1)) / 2 + i - j - 1;
  for (let i = 0; i < n; i++) {
    let index = at(i, i + 1);
    for (let j = i + 1; j < n; j++) {
      let sum = 0;
      for (let d = 0; d < dim; d++) {
        const diff = points[i * dim + d] - points[j * dim + d];
        sum += diff * diff;
      }
      dist[index++] = Math.sqrt(sum);
    }
    await pause?.();
  }

  const size = new Int32Array(n).fill(1);
  const clusterId = Int32Array.from({ length: n }, (_, i) => i);
  const neighbor = new Int32Array(n - 1);
  const minDist = new Float64Array(n - 1);
  const nearestAbove = (x: number): number => {
    let best = Infinity;
    let found = -1;
    for (let i = x + 1; i < n; i++) {
      if (size[i] === 0) continue;
      const d = dist[at(x, i)];
      if (d < best) {
        best = d;
        found = i;
      }
    }
    minDist[x] = best;
    return found;
  };
  for (let x = 0; x < n - 1; x++) neighbor[x] = nearestAbove(x);
  const heap = new KeyedMinHeap(minDist);

  for (let k = 0; k < n - 1; k++) {
    let x = heap.minKey();
    let d = heap.minValue();
    // The heap holds lower bounds: refresh the top until its bound is its true nearest distance.
    for (let tries = 0; tries < n - k; tries++) {
      x = heap.minKey();
      d = heap.minValue();
      if (d === dist[at(x, neighbor[x])]) break;
      neighbor[x] = nearestAbove(x);
      d = minDist[x];
      heap.change(x, d);
    }
    heap.removeMin();
    const y = neighbor[x];
    const nx = size[x];
    const ny = size[y];
    tree.left[k] = Math.min(clusterId[x], clusterId[y]);
    tree.right[k] = Math.max(clusterId[x], clusterId[y]);
    tree.distance[k] = d;
    tree.size[k] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    clusterId[y] = n + k;

    for (let z = 0; z < n; z++) {
      const nz = size[z];
      if (nz === 0 || z === y) continue;
      const dxz = dist[at(z, x)];
      const dyz = dist[at(z, y)];
      const squared = (nx * dxz * dxz + ny * dyz * dyz - (nx * ny * d * d) / (nx + ny)) / (nx + ny);
      dist[at(z, y)] = Math.sqrt(Math.max(0, squared));
    }
    for (let z = 0; z < x; z++) if (size[z] > 0 && neighbor[z] === x) neighbor[z] = y;
    for (let z = 0; z < y; z++) {
      if (size[z] === 0) continue;
      const dzy = dist[at(z, y)];
      if (dzy < minDist[z]) {
        neighbor[z] = y;
        minDist[z] = dzy;
        heap.change(z, dzy);
      }
    }
    if (y < n - 1) {
      const z = nearestAbove(y);
      if (z !== -1) {
        neighbor[y] = z;
        heap.change(y, minDist[y]);
      }
    }
    if (k % 4 === 0) await pause?.();
  }
  return tree;
}

/** Binary min-heap over keys 0..n-1 whose values change in place (scipy's layout and sift rules). */
class KeyedMinHeap {
  private readonly values: Float64Array;
  private readonly keyAt: Int32Array;
  private readonly indexOf: Int32Array;
  private size: number;

  constructor(initial: Float64Array) {
    this.size = initial.length;
    this.values = Float64Array.from(initial);
    this.keyAt = Int32Array.from({ length: this.size }, (_, i) => i);
    this.indexOf = Int32Array.from({ length: this.size }, (_, i) => i);
    for (let i = Math.floor(this.size / 2) - 1; i >= 0; i--) this.siftDown(i);
  }

  minKey(): number {
    return this.keyAt[0];
  }

  minValue(): number {
    return this.values[0];
  }

  removeMin(): void {
    this.swap(0, this.size - 1);
    this.size--;
    this.siftDown(0);
  }

  change(key: number, value: number): void {
    const index = this.indexOf[key];
    const old = this.values[index];
    this.values[index] = value;
    if (value < old) this.siftUp(index);
    else this.siftDown(index);
  }

  private siftUp(index: number): void {
    let parent = (index - 1) >> 1;
    while (index > 0 && this.values[parent] > this.values[index]) {
      this.swap(index, parent);
      index = parent;
      parent = (index - 1) >> 1;
    }
  }

  private siftDown(index: number): void {
    let child = 2 * index + 1;
    while (child < this.size) {
      if (child + 1 < this.size && this.values[child + 1] < this.values[child]) child++;
      if (!(this.values[index] > this.values[child])) break;
      this.swap(index, child);
      index = child;
      child = 2 * index + 1;
    }
  }

  private swap(i: number, j: number): void {
    const value = this.values[i];
    this.values[i] = this.values[j];
    this.values[j] = value;
    const keyI = this.keyAt[i];
    const keyJ = this.keyAt[j];
    this.keyAt[i] = keyJ;
    this.keyAt[j] = keyI;
    this.indexOf[keyI] = j;
    this.indexOf[keyJ] = i;
  }
}
