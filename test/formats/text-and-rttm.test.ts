import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatText,
  isTextFormat,
  parseRttm,
  renderTranscript,
  TEXT_FORMAT_CONTENT_TYPES,
  TEXT_FORMATS,
  type TranscriptEntry,
} from '../../libs/formats';
import { readSrt, readVtt } from './subtitle-parsers';

const entries: TranscriptEntry[] = [
  { speaker: 0, start: 0.5, end: 2.25, text: ' Hello there.' },
  { speaker: 1, start: 2.5, end: 4.125, text: ' Hi!\nHow are you?' },
  { speaker: 0, start: 4.5, end: 5, text: '  ' },
];

describe('plain text', () => {
  test('one line per entry with its speaker; whitespace collapsed; empty entries left out', () => {
    assert.equal(formatText(entries), '[SPEAKER 0] Hello there.\n[SPEAKER 1] Hi! How are you?\n');
  });

  test('without labels, and an empty transcript is an empty string', () => {
    assert.equal(formatText(entries, { speakerLabels: false }), 'Hello there.\nHi! How are you?\n');
    assert.equal(formatText([]), '');
  });
});

describe('renderTranscript', () => {
  test('every text format renders and reads back to the same turns', () => {
    const spoken = entries.slice(0, 2);
    const turns = spoken.map(({ speaker, start, end }) => ({
      speaker,
      startMs: start * 1000,
      endMs: end * 1000,
    }));
    const fromSrt = readSrt(renderTranscript(spoken, 'srt'));
    const fromVtt = readVtt(renderTranscript(spoken, 'vtt'));
    const fromRttm = parseRttm(renderTranscript(spoken, 'rttm', { fileId: 'meeting 1' }));
    for (const cues of [fromSrt, fromVtt]) {
      assert.deepEqual(
        cues.map(({ speaker, startMs, endMs }) => ({ speaker, startMs, endMs })),
        turns,
      );
    }
    assert.deepEqual(
      fromRttm.map(({ fileId, speaker, start, end }) => [fileId, speaker, start, Number(end.toFixed(3))]),
      [
        ['meeting_1', 'SPEAKER_00', 0.5, 2.25],
        ['meeting_1', 'SPEAKER_01', 2.5, 4.125],
      ],
    );
    assert.equal(renderTranscript(spoken, 'txt'), formatText(spoken));
  });

  test('RTTM lines have the standard ten fields', () => {
    const lines = renderTranscript(entries, 'rttm').trim().split('\n');
    assert.equal(lines.length, entries.length);
    for (const line of lines) {
      const fields = line.split(' ');
      assert.equal(fields.length, 10, line);
      assert.deepEqual(
        [fields[0], fields[2], fields[5], fields[6], fields[8], fields[9]],
        ['SPEAKER', '1', '<NA>', '<NA>', '<NA>', '<NA>'],
      );
    }
  });

  test('format names and content types', () => {
    assert.deepEqual([...TEXT_FORMATS], ['srt', 'vtt', 'txt', 'rttm']);
    assert.ok(TEXT_FORMATS.every(isTextFormat));
    assert.equal(isTextFormat('json'), false);
    assert.equal(isTextFormat(undefined), false);
    assert.match(TEXT_FORMAT_CONTENT_TYPES.vtt, /^text\/vtt/);
    assert.match(TEXT_FORMAT_CONTENT_TYPES.srt, /^application\/x-subrip/);
  });
});
