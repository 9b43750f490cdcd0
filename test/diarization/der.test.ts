import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aggregateDer, clipTurns, computeDer, pairRecordings, parseUem } from '../../libs/diarization';

const close = (actual: number, expected: number, message?: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${message ?? ''} expected ${expected}, got ${actual}`);

describe('computeDer (collar 0, overlap scored, optimal mapping)', () => {
  test('a perfect hypothesis with other labels scores 0', () => {
    const ref = [
      { speaker: 'A', start: 0, end: 5 },
      { speaker: 'B', start: 5, end: 9 },
      { speaker: 'A', start: 9, end: 12 },
    ];
    const hyp = [
      { speaker: 1, start: 0, end: 5 },
      { speaker: 0, start: 5, end: 9 },
      { speaker: 1, start: 9, end: 12 },
    ];
    const result = computeDer(ref, hyp);
    close(result.der, 0);
    close(result.referenceSeconds, 12);
  });

  test('an empty hypothesis misses everything', () => {
    const result = computeDer([{ speaker: 'A', start: 1, end: 4 }], []);
    close(result.der, 1);
    close(result.miss, 1);
    close(result.falseAlarm, 0);
  });

  test('one hypothesis speaker for two reference speakers: half is confusion', () => {
    const ref = [
      { speaker: 'A', start: 0, end: 10 },
      { speaker: 'B', start: 10, end: 20 },
    ];
    const result = computeDer(ref, [{ speaker: 'x', start: 0, end: 20 }]);
    close(result.confusion, 0.5);
    close(result.der, 0.5);
  });

  test('speech outside the reference is false alarm', () => {
    const result = computeDer(
      [{ speaker: 'A', start: 0, end: 10 }],
      [
        { speaker: 'x', start: 0, end: 10 },
        { speaker: 'y', start: 10, end: 15 },
      ],
    );
    close(result.falseAlarm, 0.5);
    close(result.der, 0.5);
  });

  test('overlapped reference speech counts once per speaker; a missing overlap is a miss', () => {
    const ref = [
      { speaker: 'A', start: 0, end: 10 },
      { speaker: 'B', start: 5, end: 10 },
    ];
    const result = computeDer(ref, [{ speaker: 'x', start: 0, end: 10 }]);
    close(result.referenceSeconds, 15);
    close(result.miss, 5 / 15);
    close(result.confusion, 0);
    close(result.der, 5 / 15);
  });

  test('the mapping is optimal, not greedy', () => {
    // Co-occurrence: A-x 6 s, A-y 4 s, B-x 5 s. Greedy (A-x) leaves 9 s wrong; optimal (A-y, B-x) 6 s.
    const ref = [
      { speaker: 'A', start: 0, end: 10 },
      { speaker: 'B', start: 10, end: 15 },
    ];
    const hyp = [
      { speaker: 'x', start: 0, end: 6 },
      { speaker: 'y', start: 6, end: 10 },
      { speaker: 'x', start: 10, end: 15 },
    ];
    const result = computeDer(ref, hyp);
    close(result.confusion, 6 / 15);
    close(result.der, 6 / 15);
  });

  test('an extra hypothesis speaker inside one reference speaker is confusion', () => {
    const result = computeDer(
      [{ speaker: 'A', start: 0, end: 10 }],
      [
        { speaker: 'x', start: 0, end: 6 },
        { speaker: 'y', start: 6, end: 10 },
      ],
    );
    close(result.confusion, 0.4);
  });

  test('miss, false alarm and confusion add up, split at arbitrary boundaries', () => {
    const ref = [
      { speaker: 'A', start: 0.0, end: 2.5 },
      { speaker: 'B', start: 2.5, end: 4.0 },
    ];
    const hyp = [
      { speaker: 'p', start: 0.5, end: 2.5 },
      { speaker: 'q', start: 2.5, end: 3.0 },
      { speaker: 'p', start: 3.0, end: 4.5 },
    ];
    // p->A (2.0 s), q->B (0.5 s): miss 0.5, confusion 1.0 (B as p), false alarm 0.5.
    const result = computeDer(ref, hyp);
    close(result.miss, 0.5 / 4);
    close(result.confusion, 1 / 4);
    close(result.falseAlarm, 0.5 / 4);
    close(result.der, 2 / 4);
  });

  test('nothing to score is 0, hypothesis speech without reference is infinite', () => {
    close(computeDer([], []).der, 0);
    assert.equal(computeDer([], [{ speaker: 1, start: 0, end: 1 }]).der, Infinity);
  });
});

describe('DER over a set of files', () => {
  test('the aggregate is total error over total reference speech, not a mean of per-file rates', () => {
    // A long file scored 10 % and a short one 100 %: the mean of rates would say 55 %.
    const long = computeDer([{ speaker: 'A', start: 0, end: 90 }], [{ speaker: 'x', start: 0, end: 81 }]);
    const short = computeDer([{ speaker: 'A', start: 0, end: 10 }], []);
    close(long.der, 0.1);
    close(short.der, 1);
    const total = aggregateDer([long, short]);
    close(total.der, 19 / 100);
    close(total.miss, 19 / 100);
    close(total.referenceSeconds, 100);
    close(total.missSeconds, 19);
  });

  test('recordings pair by file id, then by file stem; unmatched ones are reported', () => {
    const rec = (id: string, stem = id) => ({ id, stem, turns: [] });
    const { pairs, unmatched } = pairRecordings(
      [rec('a'), rec('b'), rec('clip', 'c'), rec('d')],
      [rec('b'), rec('zzz', 'a'), rec('x', 'clip'), rec('e')],
    );
    assert.deepEqual(
      pairs.map((pair) => [pair.id, pair.hypothesis?.id ?? null]),
      [
        ['a', 'zzz'],
        ['b', 'b'],
        ['clip', 'x'],
        ['d', null],
      ],
    );
    assert.deepEqual(
      unmatched.map((recording) => recording.id),
      ['e'],
    );
    // Two single files pair whatever their names.
    assert.equal(pairRecordings([rec('one')], [rec('other')]).pairs[0].hypothesis?.id, 'other');
  });

  test('a UEM limits scoring to its regions', () => {
    const regions = parseUem(';; comment\nf 1 1.0 5.0\nf 1 8 9\ng 1 0 1\n');
    assert.deepEqual(regions.get('f'), [
      [1, 5],
      [8, 9],
    ]);
    const ref = clipTurns([{ speaker: 'A', start: 0, end: 10 }], regions.get('f') ?? []);
    assert.deepEqual(ref, [
      { speaker: 'A', start: 1, end: 5 },
      { speaker: 'A', start: 8, end: 9 },
    ]);
    assert.throws(() => parseUem('f 1 3 2\n'), /UEM line 1/);
  });
});
