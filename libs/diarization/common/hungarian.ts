/**
 * Maximum-weight assignment between rows and columns of a rectangular matrix (Kuhn-Munkres,
 * O(n^3) on the padded square). Returns, per row, its column or -1.
 */
export function maxWeightAssignment(weights: readonly (readonly number[])[]): number[] {
  const rows = weights.length;
  const cols = rows > 0 ? Math.max(...weights.map((row) => row.length)) : 0;
  const n = Math.max(rows, cols);
  if (n === 0) return [];
  let max = 0;
  for (const row of weights) for (const w of row) if (Number.isFinite(w)) max = Math.max(max, w);
  // Minimise (max - w) on a square matrix padded with zero-weight cells.
  const cost = (i: number, j: number): number => {
    const w = i < rows && j < (weights[i]?.length ?? 0) ? weights[i][j] : 0;
    return max - (Number.isFinite(w) ? w : 0);
  };
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const match = new Int32Array(n + 1); // match[col] = row (1-based), 0 = free
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    match[0] = i;
    let col0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[col0] = 1;
      const row0 = match[col0];
      let delta = Infinity;
      let col1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = cost(row0 - 1, j - 1) - u[row0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = col0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          col1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[match[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      col0 = col1;
    } while (match[col0] !== 0);
    do {
      const col1 = way[col0];
      match[col0] = match[col1];
      col0 = col1;
    } while (col0 !== 0);
  }
  const result = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= n; j++) {
    const row = match[j] - 1;
    if (row >= 0 && row < rows && j - 1 < cols) result[row] = j - 1;
  }
  return result;
}
