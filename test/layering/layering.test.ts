import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cycles, folderGraph } from './folder-graph';

// dist/test/layering -> the repository root, where the sources are.
const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('layering', () => {
  const graph = folderGraph(ROOT, ['src', 'libs']);

  test('the folders of src/ and libs/ import each other in one direction only (no cycles)', () => {
    assert.ok(graph.size > 10, `the sources were found under ${ROOT}`);
    assert.deepEqual(cycles(graph), []);
  });

  test('no library imports the app', () => {
    for (const [from, to] of graph) {
      if (!from.startsWith('libs/')) continue;
      assert.deepEqual(
        [...to].filter((folder) => folder.startsWith('src/')),
        [],
        from,
      );
    }
  });

  test('the cycle finder finds a cycle through three folders', () => {
    const looped = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    assert.deepEqual(cycles(looped), [['a', 'b', 'c']]);
  });
});
