/**
 * Minimum-cost (or, with `maximize`, maximum-score) one-to-one assignment between the rows and the
 * columns of a rectangular matrix (`cost[r * cols + c]`): min(rows, cols) pairs. Shortest augmenting
 * paths (Crouse 2016), the algorithm of scipy's linear_sum_assignment, searched in the same order so
 * that ties resolve as they do there. Returns, per row, its column or -1.
 */
export function linearSumAssignment(
  cost: ArrayLike<number>,
  rows: number,
  cols: number,
  maximize = false,
): Int32Array {
  const result = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return result;
  // Work on a wide matrix (nr <= nc): a tall one is transposed.
  const transpose = cols < rows;
  const nr = transpose ? cols : rows;
  const nc = transpose ? rows : cols;
  const c = new Float64Array(nr * nc);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const value = maximize ? -cost[i * cols + j] : cost[i * cols + j];
      if (Number.isNaN(value) || value === -Infinity) throw new RangeError('invalid assignment cost');
      c[transpose ? j * nc + i : i * nc + j] = value;
    }
  }
  const u = new Float64Array(nr);
  const v = new Float64Array(nc);
  const shortest = new Float64Array(nc);
  const path = new Int32Array(nc).fill(-1);
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const seenRow = new Uint8Array(nr);
  const seenCol = new Uint8Array(nc);
  const remaining = new Int32Array(nc);

  for (let current = 0; current < nr; current++) {
    // Shortest augmenting path from row `current` to a free column.
    let minVal = 0;
    let remainingCount = nc;
    for (let it = 0; it < nc; it++) remaining[it] = nc - it - 1;
    seenRow.fill(0);
    seenCol.fill(0);
    shortest.fill(Infinity);
    let sink = -1;
    let i = current;
    while (sink === -1) {
      let index = -1;
      let lowest = Infinity;
      seenRow[i] = 1;
      for (let it = 0; it < remainingCount; it++) {
        const j = remaining[it];
        const r = minVal + c[i * nc + j] - u[i] - v[j];
        if (r < shortest[j]) {
          path[j] = i;
          shortest[j] = r;
        }
        if (shortest[j] < lowest || (shortest[j] === lowest && row4col[j] === -1)) {
          lowest = shortest[j];
          index = it;
        }
      }
      minVal = lowest;
      if (minVal === Infinity) throw new RangeError('infeasible assignment');
      const j = remaining[index];
      if (row4col[j] === -1) sink = j;
      else i = row4col[j];
      seenCol[j] = 1;
      remaining[index] = remaining[--remainingCount];
    }
    u[current] += minVal;
    for (let r = 0; r < nr; r++) {
      if (seenRow[r] && r !== current) u[r] += minVal - shortest[col4row[r]];
    }
    for (let j = 0; j < nc; j++) if (seenCol[j]) v[j] -= minVal - shortest[j];
    // Augment along the path.
    let j = sink;
    for (;;) {
      const r = path[j];
      row4col[j] = r;
      const previous = col4row[r];
      col4row[r] = j;
      j = previous;
      if (r === current) break;
    }
  }
  for (let r = 0; r < nr; r++) {
    if (transpose) result[col4row[r]] = r;
    else result[r] = col4row[r];
  }
  return result;
}
