import { type Yielder, createYielder } from './time-slice';

/** The cost matrix is n^2 numbers: callers cluster at a bounded granularity (blocks) to stay under this. */
export const MAX_AGGLOMERATE_ITEMS = 2048;

export type PairCost = (a: number, b: number) => number;
export type MergePair = (a: number, b: number) => void;
export type StopRule = (a: number, b: number, cost: number, clusters: number) => boolean;

/**
 * Greedy agglomerative clustering over a small set of items (callers keep n bounded): repeatedly
 * merges the cheapest pair until `stop` says no. Each row caches its cheapest partner, so a run
 * costs O(n^2) cost evaluations plus rescans of the rows whose partner just disappeared.
 * `merge(a, b)` folds b into a (the caller updates its own item a); costs involving a are then
 * recomputed. Returns, for every item, the index of the item it ended up merged into.
 * Awaits `pause` after every row of costs and every merge, so a caller's event loop keeps turning.
 */
export async function agglomerate(
  n: number,
  cost: PairCost,
  merge: MergePair,
  stop: StopRule,
  pause: Yielder = createYielder(),
): Promise<Int32Array> {
  const steps = agglomeration(n, cost, merge, stop);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await pause();
  }
}

/** `agglomerate` in one synchronous run, for callers whose costs are too cheap to hold the loop long. */
export function agglomerateSync(n: number, cost: PairCost, merge: MergePair, stop: StopRule): Int32Array {
  const steps = agglomeration(n, cost, merge, stop);
  for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
}

/** The clustering itself; it yields wherever the caller may pause (after each bounded amount of work). */
function* agglomeration(
  n: number,
  cost: PairCost,
  merge: MergePair,
  stop: StopRule,
): Generator<void, Int32Array, void> {
  if (n > MAX_AGGLOMERATE_ITEMS) {
    throw new RangeError(`agglomerate: ${n} items exceed ${MAX_AGGLOMERATE_ITEMS}; pre-cluster in blocks`);
  }
  const matrix = new Float64Array(n * n);
  const alive = new Uint8Array(n).fill(1);
  const partner = new Int32Array(n).fill(-1);
  const partnerCost = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = cost(i, j);
      matrix[i * n + j] = c;
      matrix[j * n + i] = c;
    }
    yield;
  }
  const rescan = (i: number): void => {
    partner[i] = -1;
    partnerCost[i] = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i || !alive[j]) continue;
      if (matrix[i * n + j] < partnerCost[i]) {
        partnerCost[i] = matrix[i * n + j];
        partner[i] = j;
      }
    }
  };
  for (let i = 0; i < n; i++) rescan(i);
  const owner = Int32Array.from({ length: n }, (_, i) => i);
  let clusters = n;
  while (clusters > 1) {
    let a = -1;
    for (let i = 0; i < n; i++)
      if (alive[i] && partner[i] >= 0 && (a < 0 || partnerCost[i] < partnerCost[a])) a = i;
    if (a < 0) break;
    const b = partner[a];
    if (stop(a, b, partnerCost[a], clusters)) break;
    merge(a, b);
    alive[b] = 0;
    owner[b] = a;
    clusters--;
    for (let j = 0; j < n; j++) {
      if (j === a || !alive[j]) continue;
      const c = cost(a, j);
      matrix[a * n + j] = c;
      matrix[j * n + a] = c;
    }
    for (let j = 0; j < n; j++) {
      if (!alive[j]) continue;
      if (j === a || partner[j] === a || partner[j] === b) rescan(j);
      else if (matrix[j * n + a] < partnerCost[j]) {
        partnerCost[j] = matrix[j * n + a];
        partner[j] = a;
      }
    }
    yield;
  }
  const root = (i: number): number => {
    while (owner[i] !== i) i = owner[i];
    return i;
  };
  return Int32Array.from({ length: n }, (_, i) => root(i));
}
