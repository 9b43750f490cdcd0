import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clusterVbx } from '../../../libs/diarization/clustering';
import { centroidLinkage } from '../../../libs/diarization/clustering/centroid-linkage';
import { NO_CLUSTER, assignConstrained } from '../../../libs/diarization/clustering/cluster-assignment';
import { cutDendrogram } from '../../../libs/diarization/clustering/flat-clusters';
import { linearSumAssignment } from '../../../libs/diarization/clustering/linear-sum-assignment';
import { community1Plda } from '../../../libs/diarization/clustering/plda';
import { capSpeakerCount, reconstructFromClusters } from '../../../libs/diarization/reconstruction';
import type { LocalSegmentation } from '../../../libs/diarization/segmentation';

/** Best total score over every one-to-one pairing, by brute force. */
function bestTotal(score: number[][]): number {
  const rows = score.length;
  const cols = score[0].length;
  let best = -Infinity;
  const walk = (row: number, used: Set<number>, total: number, assigned: number): void => {
    if (row === rows) {
      if (assigned === Math.min(rows, cols)) best = Math.max(best, total);
      return;
    }
    walk(row + 1, used, total, assigned);
    for (let c = 0; c < cols; c++) {
      if (used.has(c)) continue;
      used.add(c);
      walk(row + 1, used, total + score[row][c], assigned + 1);
      used.delete(c);
    }
  };
  walk(0, new Set(), 0, 0);
  return best;
}

describe('constrained assignment of local speakers to clusters', () => {
  test('finds the best one-to-one pairing of wide, square and tall matrices', () => {
    let state = 3;
    const random = (): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    for (const [rows, cols] of [
      [3, 5],
      [3, 3],
      [3, 2],
      [3, 1],
      [4, 2],
    ]) {
      for (let trial = 0; trial < 20; trial++) {
        const score = Array.from({ length: rows }, () => Array.from({ length: cols }, random));
        const columns = linearSumAssignment(score.flat(), rows, cols, true);
        const used = [...columns].filter((c) => c >= 0);
        assert.equal(used.length, Math.min(rows, cols));
        assert.equal(new Set(used).size, used.length, 'a column is used once');
        const total = [...columns].reduce((sum, c, r) => sum + (c >= 0 ? score[r][c] : 0), 0);
        assert.ok(Math.abs(total - bestTotal(score)) < 1e-12, `${rows}x${cols}: ${total}`);
      }
    }
  });

  test('two speakers of a window never share a cluster; silent ones only get what is left', async () => {
    // One window, 3 local speakers, 2 clusters. Speakers 0 and 1 both prefer cluster 0; the pairing
    // with the larger total wins (1.5 + 1.8 > 1.9 + 1.2). Speaker 2 is silent: it gets no cluster
    // although its (meaningless) embedding scores highest of all on cluster 1.
    const scores = Float64Array.from([1.9, 1.5, 1.8, 1.2, 1.0, 1.99]);
    const hard = await assignConstrained(scores, 2, 3, Uint8Array.from([1, 1, 0]));
    assert.deepEqual([...hard], [1, 0, NO_CLUSTER]);
    // With three clusters every speaker gets one, the silent one the cluster nobody else took.
    const three = await assignConstrained(
      Float64Array.from([1.9, 1.5, 0.2, 1.8, 1.2, 0.1, 1.0, 1.99, 1.99]),
      3,
      3,
      Uint8Array.from([1, 1, 0]),
    );
    assert.deepEqual([...three], [1, 0, 2]);
  });
});

describe('AHC initialisation', () => {
  test('centroid linkage merges the closest centroids, and flat clusters are numbered as scipy does', async () => {
    // Points on a line: {0, 0.1} and {5, 5.3} are tight pairs, 10 is alone. Centroid linkage merges
    // (0,1) at 0.1, (3,4) at 0.3, then 10 with {5, 5.3} (centroid 5.15) at 4.85, then the rest.
    const points = Float64Array.from([0, 0.1, 10, 5, 5.3]);
    const tree = await centroidLinkage(points, 5, 1);
    assert.deepEqual([...tree.left], [0, 3, 2, 5]);
    assert.deepEqual([...tree.right], [1, 4, 6, 7]);
    assert.deepEqual([...tree.size], [2, 2, 3, 5]);
    const expected = [0.1, 0.3, 4.85, Math.abs(0.05 - (10 + 5 + 5.3) / 3)];
    tree.distance.forEach((d, k) => assert.ok(Math.abs(d - expected[k]) < 1e-9, `merge ${k}: ${d}`));
    // Cut at 1: the walk from the root meets {0,1} first, then inside (2, {3,4}) the merged pair
    // before the single point 2: scipy's numbering, not the order of first appearance.
    assert.deepEqual([...cutDendrogram(tree, 1)], [0, 0, 2, 1, 1]);
    assert.deepEqual([...cutDendrogram(tree, 100)], [0, 0, 0, 0, 0]);
    // Every point alone: still numbered by that walk (3 and 4 before 2).
    assert.deepEqual([...cutDendrogram(tree, 0.01)], [0, 1, 4, 2, 3]);
  });
});

describe('PLDA', () => {
  test('phi sorted largest first; x-vectors on the sphere of radius sqrt(128)', () => {
    const plda = community1Plda();
    assert.equal(plda.inputDimension, 256);
    assert.equal(plda.dimension, 128);
    for (let d = 1; d < plda.phi.length; d++) assert.ok(plda.phi[d - 1] >= plda.phi[d]);
    const vector = Float32Array.from({ length: 256 }, (_, d) => Math.sin(d));
    const { xvec, features } = plda.transform(vector, 1);
    const norm = Math.sqrt(xvec.reduce((sum, x) => sum + x * x, 0));
    assert.ok(Math.abs(norm - Math.sqrt(128)) < 1e-9);
    assert.equal(features.length, 128);
    assert.ok(features.every(Number.isFinite));
  });
});

/** Two windows of 6 frames, 3 local speakers, the second starting 3 frames later. */
function twoWindows(rows: string[][]): LocalSegmentation {
  const activity = Uint8Array.from(rows.flat().flatMap((frame) => [...frame].map(Number)));
  return {
    numChunks: 2,
    framesPerChunk: 6,
    numLocalSpeakers: 3,
    activity,
    chunkStartFrames: Int32Array.of(0, 3),
    numFrames: 9,
    frames: { step: 0.1, duration: 0.1 },
    windowSamples: 6,
    stepSamples: 3,
  };
}

describe('count-driven reconstruction', () => {
  test('keeps the count best clusters per frame, ties to the lower one, pads with new speakers', () => {
    const seg = twoWindows([
      ['100', '100', '110', '110', '010', '010'],
      ['100', '010', '010', '011', '001', '000'],
    ]);
    // Window 0: local 0 -> cluster 1, local 1 -> cluster 0. Window 1: local 0 -> 1, local 1 -> 0,
    // local 2 -> none (not clustered).
    const hard = Int32Array.from([1, 0, NO_CLUSTER, 1, 0, NO_CLUSTER]);
    const count = Uint8Array.from([1, 1, 2, 1, 1, 1, 3, 1, 0]);
    const frames = reconstructFromClusters(seg, hard, count);
    assert.equal(frames.slots, 3);
    const at = (g: number): number[] =>
      [...frames.labels.subarray(g * 3, g * 3 + 3)].filter((label) => label >= 0);
    assert.deepEqual(at(0), [1]);
    assert.deepEqual(at(2), [0, 1], 'clusters 0 and 1 active once each: the lower first');
    assert.deepEqual(at(3), [1], 'window 1 adds its local 0 to cluster 1 on frame 3');
    assert.deepEqual(at(5), [0], 'cluster 0 twice (window 0 local 1, window 1 local 1) beats none');
    assert.deepEqual(at(6), [0, 1, 2], 'a count above the clusters adds a speaker numbered 2');
    assert.deepEqual(at(7), [0], 'nothing active: the tie goes to the lowest cluster');
    assert.deepEqual(at(8), []);
    assert.deepEqual([...capSpeakerCount(count, 2)], [1, 1, 2, 1, 1, 1, 2, 1, 0]);
  });
});

describe('speaker counts (embeddings of another size than the PLDA: AHC alone)', () => {
  /** 30 windows of 10 frames; each local speaker talks alone on 3 frames and is one of 4 voices. */
  function synthetic(): {
    seg: LocalSegmentation;
    embeddings: { dimension: number; vectors: Float32Array; valid: Uint8Array };
    truth: number[];
  } {
    const numChunks = 30;
    const activity = new Uint8Array(numChunks * 10 * 3);
    const dim = 8;
    const vectors = new Float32Array(numChunks * 3 * dim);
    const truth: number[] = [];
    let state = 9;
    const random = (): number => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    for (let c = 0; c < numChunks; c++) {
      for (let s = 0; s < 3; s++) {
        for (let f = 3 * s; f < 3 * s + 3; f++) activity[(c * 10 + f) * 3 + s] = 1;
        const voice = (c + s) % 4;
        truth.push(voice);
        for (let d = 0; d < dim; d++)
          vectors[(c * 3 + s) * dim + d] = (d === voice ? 1 : 0) + 0.05 * (random() - 0.5);
      }
    }
    const seg: LocalSegmentation = {
      numChunks,
      framesPerChunk: 10,
      numLocalSpeakers: 3,
      activity,
      chunkStartFrames: Int32Array.from({ length: numChunks }, (_, c) => c * 5),
      numFrames: numChunks * 5 + 5,
      frames: { step: 0.1, duration: 0.1 },
      windowSamples: 16000,
      stepSamples: 8000,
    };
    return {
      seg,
      embeddings: { dimension: dim, vectors, valid: new Uint8Array(numChunks * 3).fill(1) },
      truth,
    };
  }

  /** Whether the labels split the pairs exactly as the voices do. */
  function samePartition(labels: Int32Array, truth: number[]): boolean {
    const map = new Map<number, number>();
    const back = new Map<number, number>();
    return truth.every((voice, i) => {
      const label = labels[i];
      if ((map.get(voice) ?? label) !== label || (back.get(label) ?? voice) !== voice) return false;
      map.set(voice, label);
      back.set(label, voice);
      return true;
    });
  }

  test("automatic count finds the voices; the constraint keeps a window's speakers apart", async () => {
    const { seg, embeddings, truth } = synthetic();
    const result = await clusterVbx(seg, embeddings, { min: 1, max: 20 });
    assert.equal(result.numClusters, 4);
    assert.equal(result.vbx, undefined, 'no PLDA for 8-d embeddings');
    assert.ok(samePartition(result.hardClusters, truth));
  });

  test('an exact count, a minimum or a maximum out of reach forces the count by k-means', async () => {
    const { seg, embeddings } = synthetic();
    for (const [bounds, expected] of [
      [{ min: 2, max: 2, exact: 2 }, 2],
      [{ min: 5, max: 20 }, 5],
      [{ min: 1, max: 3 }, 3],
    ] as const) {
      const result = await clusterVbx(seg, embeddings, bounds);
      assert.equal(result.forcedCount, expected);
      assert.equal(new Set(result.hardClusters).size, expected, JSON.stringify(bounds));
    }
  });
});
