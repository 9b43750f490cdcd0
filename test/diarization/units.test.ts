import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, resolveSpeakerBounds } from '../../libs/diarization';
import {
  estimateSpeakerCount,
  reconstructFrames,
  roundHalfEven,
} from '../../libs/diarization/reconstruction/aggregation';
import {
  MAX_AGGLOMERATE_ITEMS,
  agglomerate,
  agglomerateSync,
} from '../../libs/diarization/common/agglomerative';
import { maxWeightAssignment } from '../../libs/diarization/common/hungarian';
import { readOnnxMetadata } from '../../libs/diarization/inference/onnx-metadata';
import { powersetMasks } from '../../libs/diarization/segmentation/powerset';
import { type LocalSegmentation, countChunks } from '../../libs/diarization/segmentation/segmentation';
import { stitchLocalSpeakers } from '../../libs/diarization/linking/stitching';
import { createYielder } from '../../libs/diarization/common/time-slice';
import { framesToTurns, renumberByFirstAppearance } from '../../libs/diarization/reconstruction/turns';

/** A hand-made segmentation: `spans[c][s]` lists [first, end) chunk frames where local speaker s talks. */
function handMade(spans: [number, number][][][], framesPerChunk: number, shift: number): LocalSegmentation {
  const numChunks = spans.length;
  const activity = new Uint8Array(numChunks * framesPerChunk * 3);
  spans.forEach((speakers, c) =>
    speakers.forEach((ranges, s) =>
      ranges.forEach(([a, b]) => {
        for (let f = a; f < b; f++) activity[(c * framesPerChunk + f) * 3 + s] = 1;
      }),
    ),
  );
  return {
    numChunks,
    framesPerChunk,
    numLocalSpeakers: 3,
    activity,
    chunkStartFrames: Int32Array.from({ length: numChunks }, (_, c) => c * shift),
    numFrames: (numChunks - 1) * shift + framesPerChunk,
    frames: { step: 0.1, duration: 0.1 },
    windowSamples: 16000,
    stepSamples: 1600 * shift,
  };
}

describe('building blocks', () => {
  test('powerset classes in pyannote order', () => {
    assert.deepEqual(powersetMasks(3, 2), [0b000, 0b001, 0b010, 0b100, 0b011, 0b101, 0b110]);
    assert.equal(powersetMasks(4, 3).length, 15);
  });

  test('windows: every full one plus a padded remainder, at least one', () => {
    assert.equal(countChunks(800, 160000, 16000), 1);
    assert.equal(countChunks(160000, 160000, 16000), 1);
    assert.equal(countChunks(176000, 160000, 16000), 2);
    assert.equal(countChunks(176001, 160000, 16000), 3);
  });

  test('speaker bounds: exact wins, bounds checked, contradictions rejected', () => {
    assert.deepEqual(resolveSpeakerBounds({ numSpeakers: 3 }), { min: 3, max: 3, exact: 3 });
    assert.deepEqual(resolveSpeakerBounds({ numSpeakers: 3, minSpeakers: 2, maxSpeakers: 4 }), {
      min: 3,
      max: 3,
      exact: 3,
    });
    assert.deepEqual(resolveSpeakerBounds({ minSpeakers: 2, maxSpeakers: 5 }), { min: 2, max: 5 });
    assert.deepEqual(resolveSpeakerBounds({}), { min: 1, max: 20 });
    assert.throws(() => resolveSpeakerBounds({ minSpeakers: 4, maxSpeakers: 2 }), InvalidArgumentError);
    assert.throws(() => resolveSpeakerBounds({ numSpeakers: 5, maxSpeakers: 3 }), InvalidArgumentError);
    assert.throws(() => resolveSpeakerBounds({ numSpeakers: 1, minSpeakers: 2 }), InvalidArgumentError);
    assert.throws(() => resolveSpeakerBounds({ numSpeakers: 0 }), InvalidArgumentError);
    assert.throws(() => resolveSpeakerBounds({ maxSpeakers: 2.5 }), InvalidArgumentError);
  });

  test('maximum-weight assignment on a rectangular matrix', () => {
    assert.deepEqual(
      maxWeightAssignment([
        [6, 4],
        [5, 0],
      ]),
      [1, 0],
    );
    assert.deepEqual(maxWeightAssignment([[1, 9, 2]]), [1]);
    assert.deepEqual(maxWeightAssignment([[1], [3], [2]]), [-1, 0, -1]);
  });

  test('agglomerate merges the closest pairs first and refuses unbounded inputs', async () => {
    const points = [0, 0.1, 0.25, 10, 10.2, 30];
    // Fresh items for each run: merging updates them.
    const problem = () => {
      const sums = points.map((p) => ({ sum: p, n: 1 }));
      return [
        points.length,
        (a: number, b: number) => Math.abs(sums[a].sum / sums[a].n - sums[b].sum / sums[b].n),
        (a: number, b: number) => {
          sums[a].sum += sums[b].sum;
          sums[a].n += sums[b].n;
        },
        (_a: number, _b: number, cost: number) => cost > 2,
      ] as const;
    };
    // A zero time slice pauses at every step: the result must not depend on the pauses.
    const owner = await agglomerate(...problem(), createYielder(0));
    assert.deepEqual(Array.from(new Set(owner)).length, 3);
    assert.equal(owner[0], owner[2]);
    assert.equal(owner[3], owner[4]);
    assert.notEqual(owner[5], owner[3]);
    assert.deepEqual(agglomerateSync(...problem()), owner);
    await assert.rejects(
      agglomerate(
        MAX_AGGLOMERATE_ITEMS + 1,
        () => 0,
        () => undefined,
        () => true,
      ),
      RangeError,
    );
  });

  test('createYielder pauses only once its slice is spent; a fired signal rejects after a pause', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    await createYielder(60_000)();
    assert.equal(turned, false, 'within its slice it must not give the event loop a turn');
    await createYielder(0)();
    assert.equal(turned, true, 'past its slice it must let the event loop turn');
    const controller = new AbortController();
    const pause = createYielder(0, controller.signal);
    controller.abort();
    await assert.rejects(pause(), { name: 'AbortError' });
  });

  test('ONNX metadata is read from protobuf bytes; garbage is a clear error', () => {
    // ModelProto { metadata_props (14) { key (1) "a", value (2) "b" } }
    const bytes = Uint8Array.from([0x72, 0x06, 0x0a, 0x01, 0x61, 0x12, 0x01, 0x62, 0x08, 0x07]);
    assert.deepEqual([...readOnnxMetadata(bytes)], [['a', 'b']]);
    assert.throws(() => readOnnxMetadata(Uint8Array.from([0x72, 0x50, 0x01])), /not a valid ONNX model/);
  });

  test('speaker count per frame: mean over windows, rounded half to even', () => {
    assert.equal(roundHalfEven(0.5), 0);
    assert.equal(roundHalfEven(1.5), 2);
    assert.equal(roundHalfEven(1.4), 1);
    // Two windows (shift 5 frames, 10 frames each); the first says 2 speakers on frames 5..9, the second 1.
    const seg = handMade(
      [
        [[[0, 10]], [[5, 10]], []],
        [[[0, 10]], [], []],
      ],
      10,
      5,
    );
    assert.deepEqual(Array.from(estimateSpeakerCount(seg)), [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1]);
  });

  test('stitching follows a speaker across windows even when its local index changes', () => {
    // Speaker P is local 0 in window 0 and local 1 in window 1; Q the other way round.
    const seg = handMade(
      [
        [[[0, 20]], [[20, 40]], []],
        [[[10, 30]], [[0, 10]], []],
      ],
      40,
      10,
    );
    const { trackOf, numTracks } = stitchLocalSpeakers(seg);
    assert.equal(numTracks, 2);
    assert.equal(trackOf[0], trackOf[3 + 1], 'P: window 0 local 0 = window 1 local 1');
    assert.equal(trackOf[1], trackOf[3 + 0], 'Q: window 0 local 1 = window 1 local 0');
    assert.equal(trackOf[2], -1, 'a silent local speaker has no track');
    const count = estimateSpeakerCount(seg);
    const frames = reconstructFrames(seg, count, (c, s) => trackOf[c * 3 + s]);
    const turns = framesToTurns(frames, seg.frames, 5);
    assert.deepEqual(
      turns.map((t) => [t.speaker, Math.round(t.start * 100) / 100, Math.round(t.end * 100) / 100]),
      [
        [trackOf[0], 0, 2.05],
        [trackOf[1], 2.05, 4.05],
      ],
    );
  });

  test('turns: silent pauses inside one speaker are bridged, other gaps are not; renumbering by first appearance', () => {
    const labels = Int32Array.from([5, 5, -1, -1, 5, -1, -1, -1, -1, 7, 7]);
    const frames = { numFrames: labels.length, slots: 1, labels };
    const grid = { step: 0.1, duration: 0.1 };
    const silent = Uint8Array.from([0, 0, 1, 1, 0, 1, 1, 1, 0, 0, 0]);
    const plain = framesToTurns(frames, grid, 1.1);
    assert.equal(plain.length, 3);
    const bridged = framesToTurns(frames, grid, 1.1, { silentFrames: silent, maxBridgeSeconds: 0.25 });
    assert.deepEqual(
      bridged.map((t) => [t.speaker, +t.start.toFixed(2), +t.end.toFixed(2)]),
      [
        [5, 0, 0.55],
        [7, 0.95, 1.1],
      ],
    );
    const { lists, count } = renumberByFirstAppearance(bridged);
    assert.equal(count, 2);
    assert.deepEqual(
      lists[0].map((t) => t.speaker),
      [0, 1],
    );
  });
});
