import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { numberTurns, speakerZeroUtterances, toResultEntries, toTurnEntries } from '../../libs/pipeline';
import type { Utterance } from '../../libs/diarization';

function toContractResults(
  utterances: Omit<Utterance, 'words'>[],
): ReturnType<typeof toResultEntries>['entries'] {
  return toResultEntries(utterances).entries;
}

describe('combining into the contract results', () => {
  test('speakers are renumbered from 0 in order of first appearance, entries sorted by time', () => {
    const results = toContractResults([
      { speaker: 4, start: 3.2, end: 4, text: ' later ' },
      { speaker: 7, start: 0.5, end: 1.25, text: ' first' },
      { speaker: 4, start: 1.5, end: 2.0, text: 'second' },
      { speaker: 7, start: 5, end: 6, text: 'back' },
    ]);
    assert.deepEqual(results, [
      { speaker: 0, start: 0.5, end: 1.25, text: 'first' },
      { speaker: 1, start: 1.5, end: 2, text: 'second' },
      { speaker: 1, start: 3.2, end: 4, text: 'later' },
      { speaker: 0, start: 5, end: 6, text: 'back' },
    ]);
  });

  test('times are rounded to milliseconds, never negative, never ending before they start', () => {
    const [entry] = toContractResults([{ speaker: 0, start: -0.00004, end: -0.0001, text: 'x' }]);
    assert.deepEqual(entry, { speaker: 0, start: 0, end: 0, text: 'x' });
    const [precise] = toContractResults([{ speaker: 2, start: 1.23456, end: 2.34567, text: 'y' }]);
    assert.deepEqual(precise, { speaker: 0, start: 1.235, end: 2.346, text: 'y' });
  });

  test('entries without text are dropped before numbering', () => {
    const results = toContractResults([
      { speaker: 3, start: 0, end: 1, text: '   ' },
      { speaker: 5, start: 1, end: 2, text: 'hello' },
    ]);
    assert.deepEqual(results, [{ speaker: 0, start: 1, end: 2, text: 'hello' }]);
  });

  test('without diarization, Whisper segments become speaker 0 entries', () => {
    const utterances = speakerZeroUtterances({
      segments: [
        { start: 0, end: 1, text: ' Hello there.', noSpeechProb: 0, words: [] },
        { start: 1.2, end: 2, text: ' General.', noSpeechProb: 0, words: [] },
      ],
    });
    assert.deepEqual(toContractResults(utterances), [
      { speaker: 0, start: 0, end: 1, text: 'Hello there.' },
      { speaker: 0, start: 1.2, end: 2, text: 'General.' },
    ]);
  });
});

describe('numbering speaker turns like the entries', () => {
  test('a speaker who said words keeps their number; a silent one takes the next, by first turn', () => {
    const { entries, speakerNumbers } = toResultEntries([
      { speaker: 5, start: 2, end: 3, text: 'second' },
      { speaker: 9, start: 0, end: 1, text: 'first' },
    ]);
    assert.deepEqual(
      entries.map((entry) => entry.speaker),
      [0, 1],
    );
    const turns = numberTurns(
      [
        { speaker: 5, start: 2, end: 3 },
        { speaker: 7, start: 1.0004, end: 1.5 },
        { speaker: 9, start: 0, end: 1 },
      ],
      speakerNumbers,
    );
    assert.deepEqual(turns, [
      { speaker: 0, start: 0, end: 1 },
      { speaker: 2, start: 1, end: 1.5 },
      { speaker: 1, start: 2, end: 3 },
    ]);
  });

  test('POST /diarize turns: empty turns dropped, numbered from 0 by first appearance', () => {
    assert.deepEqual(
      toTurnEntries([
        { speaker: 3, start: 4, end: 5 },
        { speaker: 1, start: 1, end: 1 },
        { speaker: 3, start: 0.5, end: 2 },
        { speaker: 2, start: 2, end: 3 },
      ]),
      [
        { speaker: 0, start: 0.5, end: 2 },
        { speaker: 1, start: 2, end: 3 },
        { speaker: 0, start: 4, end: 5 },
      ],
    );
  });
});
