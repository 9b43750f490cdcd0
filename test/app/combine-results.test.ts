import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { speakerZeroUtterances, toContractResults } from '../../src/transcription/combine-results';

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
      language: 'en',
      segments: [
        { start: 0, end: 1, text: ' Hello there.', words: [] },
        { start: 1.2, end: 2, text: ' General.', words: [] },
      ],
    });
    assert.deepEqual(toContractResults(utterances), [
      { speaker: 0, start: 0, end: 1, text: 'Hello there.' },
      { speaker: 0, start: 1.2, end: 2, text: 'General.' },
    ]);
  });
});
