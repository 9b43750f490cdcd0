import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compactSpeech, speechRegions, toOriginalSeconds, type VadParameters } from '../../libs/speech';

const WINDOW = 512;
const DEFAULTS: VadParameters = {
  threshold: 0.5,
  minSpeechDurationMs: 250,
  minSilenceDurationMs: 100,
  maxSpeechDurationS: Infinity,
  speechPadMs: 30,
};

/** Probabilities for a timeline of [seconds, probability] spans, one per 512-sample window. */
function timeline(spans: Array<[number, number]>): { probabilities: Float32Array; total: number } {
  const values: number[] = [];
  for (const [seconds, probability] of spans) {
    const windows = Math.round((seconds * 16000) / WINDOW);
    for (let i = 0; i < windows; i++) values.push(probability);
  }
  return { probabilities: Float32Array.from(values), total: values.length * WINDOW };
}

const seconds = (regions: Array<{ start: number; end: number }>): Array<[number, number]> =>
  regions.map((r) => [Number((r.start / 16000).toFixed(2)), Number((r.end / 16000).toFixed(2))]);

describe('speechRegions', () => {
  test('one stretch of speech becomes one region, padded on both sides', () => {
    const { probabilities, total } = timeline([
      [1, 0.05],
      [2, 0.9],
      [1, 0.05],
    ]);
    const [region, ...rest] = speechRegions(probabilities, WINDOW, total, DEFAULTS);
    assert.equal(rest.length, 0);
    assert.ok(Math.abs(region.start / 16000 - (1 - 0.03)) < 0.04, `start ${region.start / 16000}`);
    assert.ok(Math.abs(region.end / 16000 - (3 + 0.03)) < 0.04, `end ${region.end / 16000}`);
  });

  test('a blip shorter than minSpeechDurationMs is dropped', () => {
    const { probabilities, total } = timeline([
      [1, 0.05],
      [0.1, 0.9],
      [1, 0.05],
    ]);
    assert.deepEqual(speechRegions(probabilities, WINDOW, total, DEFAULTS), []);
  });

  test('a pause shorter than minSilenceDurationMs does not split; a longer one does', () => {
    const short = timeline([
      [0.5, 0.05],
      [1, 0.9],
      [0.05, 0.05],
      [1, 0.9],
      [0.5, 0.05],
    ]);
    assert.equal(speechRegions(short.probabilities, WINDOW, short.total, DEFAULTS).length, 1);
    const long = timeline([
      [0.5, 0.05],
      [1, 0.9],
      [0.5, 0.05],
      [1, 0.9],
      [0.5, 0.05],
    ]);
    const regions = seconds(speechRegions(long.probabilities, WINDOW, long.total, DEFAULTS));
    const expected = [
      [0.5 - 0.03, 1.5 + 0.03],
      [2 - 0.03, 3 + 0.03],
    ];
    assert.equal(regions.length, 2);
    // Edges fall on 32 ms windows.
    regions.flat().forEach((edge, i) => assert.ok(Math.abs(edge - expected.flat()[i]) <= 0.033, `${edge}`));
  });

  test('probabilities between threshold - 0.15 and threshold keep speech going (hysteresis)', () => {
    const { probabilities, total } = timeline([
      [0.5, 0.05],
      [1, 0.9],
      [1, 0.4],
      [0.5, 0.05],
    ]);
    const regions = speechRegions(probabilities, WINDOW, total, DEFAULTS);
    assert.equal(regions.length, 1);
    assert.ok(regions[0].end / 16000 > 2.4, `ends at ${regions[0].end / 16000}`);
  });

  test('speech longer than maxSpeechDurationS is split, at a pause where there is one', () => {
    const { probabilities, total } = timeline([
      [4, 0.9],
      [0.12, 0.2],
      [4, 0.9],
    ]);
    const params = { ...DEFAULTS, maxSpeechDurationS: 6, minSilenceDurationMs: 500, speechPadMs: 0 };
    const regions = seconds(speechRegions(probabilities, WINDOW, total, params));
    assert.equal(regions.length, 2);
    assert.ok(Math.abs(regions[0][1] - 4) < 0.05, `split at ${regions[0][1]}`);
    for (const [start, end] of regions) assert.ok(end - start <= 6, `${start}-${end} is longer than 6 s`);
  });

  test('regions never leave the audio and padding merges neighbours that would overlap', () => {
    const { probabilities, total } = timeline([
      [1, 0.9],
      [0.15, 0.05],
      [1, 0.9],
    ]);
    const regions = speechRegions(probabilities, WINDOW, total, { ...DEFAULTS, speechPadMs: 100 });
    assert.equal(regions.length, 1);
    assert.equal(regions[0].start, 0);
    assert.equal(regions[0].end, total);
  });
});

describe('compactSpeech and toOriginalSeconds', () => {
  const original = Float32Array.from({ length: 8 * 16000 }, (_, i) => i / 16000);
  const regions = [
    { start: 1 * 16000, end: 2 * 16000 },
    { start: 5 * 16000, end: 6.5 * 16000 },
  ];
  const compacted = compactSpeech(original, regions);

  test('keeps only the regions, with 0.1 s of silence between them', () => {
    assert.equal(compacted.samples.length, 2.6 * 16000);
    assert.equal(compacted.samples[0], original[16000]);
    assert.equal(compacted.samples[1.05 * 16000], 0);
    assert.equal(compacted.samples[1.1 * 16000], original[5 * 16000]);
  });

  test('maps times back to the original audio, gaps to the nearer edge', () => {
    const cases: Array<[number, number]> = [
      [0, 1],
      [0.5, 1.5],
      [1.02, 2],
      [1.08, 5],
      [1.6, 5.5],
      [2.6, 6.5],
      [9, 6.5],
    ];
    for (const [compactedTime, expected] of cases) {
      assert.ok(
        Math.abs(toOriginalSeconds(compacted, compactedTime) - expected) < 1e-6,
        `${compactedTime} -> ${toOriginalSeconds(compacted, compactedTime)}, expected ${expected}`,
      );
    }
  });
});
