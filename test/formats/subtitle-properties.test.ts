import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSrt, formatVtt, type TranscriptEntry, type TranscriptWord } from '../../libs/formats';
import { textWidth } from '../../libs/formats/text-layout';
import { seededRandom } from '../../libs/diarization/common';
import { readSrt, readVtt } from './subtitle-parsers';

/** A seeded generator, so a failure names a case that can be replayed. */
const random = seededRandom;

const VOCABULARY = [
  'we',
  'ship',
  'on',
  'Friday',
  'unless',
  'the',
  'tests',
  'fail,',
  'OK?',
  'extraordinarily',
  '東京',
  'über',
];

function randomTranscript(next: () => number): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  let clock = next() * 5;
  const count = Math.floor(next() * 6);
  for (let i = 0; i < count; i++) {
    const speaker = Math.floor(next() * 3);
    const words: TranscriptWord[] = [];
    const wordCount = 1 + Math.floor(next() * 40);
    const start = clock;
    for (let w = 0; w < wordCount; w++) {
      const length = 0.1 + next() * 0.6;
      words.push({
        word: ` ${VOCABULARY[Math.floor(next() * VOCABULARY.length)]}`,
        start: clock,
        end: clock + length,
      });
      clock += length + (next() < 0.1 ? next() * 3 : 0.05);
    }
    const text = words.map((word) => word.word).join('');
    const end = words[words.length - 1].end;
    entries.push(next() < 0.5 ? { speaker, start, end, text, words } : { speaker, start, end, text });
    clock += next() * 2;
  }
  return entries;
}

test('random transcripts: valid files, all text kept, every cue inside its entry and within the limits', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const entries = randomTranscript(random(seed));
    const expectedText = entries.map((entry) => entry.text.trim()).join(' ');
    for (const [name, cues, labelWidth] of [
      ['SRT', readSrt(formatSrt(entries)), (speaker: number) => `[SPEAKER ${speaker}] `.length],
      ['VTT', readVtt(formatVtt(entries)), () => 0],
    ] as const) {
      const context = `${name}, seed ${seed}`;
      // Entries do not overlap here, so time order is entry order and the text comes back in order
      // (compared without whitespace: CJK lines may break between two characters).
      const bare = (text: string): string => text.replace(/\s+/g, '');
      assert.equal(bare(cues.map((cue) => cue.text).join('')), bare(expectedText), context);
      for (const cue of cues) {
        assert.ok(cue.endMs > cue.startMs, context);
        const owner = entries.find(
          (entry) =>
            cue.startMs >= Math.round(entry.start * 1000) && cue.endMs <= Math.round(entry.end * 1000),
        );
        assert.ok(owner, `${context}: cue ${cue.startMs}-${cue.endMs} lies in no entry`);
        assert.equal(cue.speaker, owner.speaker, context);
        const lines = cue.text.split('\n');
        // Every word here is short (at most 0.7 s, 15 columns), so no cue has a reason to break a limit.
        assert.ok(cue.endMs - cue.startMs <= 7000, `${context}: ${cue.endMs - cue.startMs} ms`);
        assert.ok(lines.length <= 2, `${context}: ${JSON.stringify(cue.text)}`);
        lines.forEach((line, index) => {
          const width = textWidth(line) + (index === 0 ? labelWidth(owner.speaker) : 0);
          assert.ok(width <= 42, `${context}: ${width} columns: ${line}`);
        });
      }
    }
  }
});
