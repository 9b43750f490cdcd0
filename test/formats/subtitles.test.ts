import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatSrt,
  formatVtt,
  TranscriptFormatError,
  type TranscriptEntry,
  type TranscriptWord,
} from '../../libs/formats';
import { textWidth } from '../../libs/formats/text-layout';
import { readSrt, readVtt, type ParsedCue } from './subtitle-parsers';

const ms = (seconds: number): number => Math.round(seconds * 1000);
const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Both formats read back, so every check runs on SRT and on VTT. */
const FORMATS = [
  { name: 'SRT', read: (entries: TranscriptEntry[]) => readSrt(formatSrt(entries)) },
  { name: 'VTT', read: (entries: TranscriptEntry[]) => readVtt(formatVtt(entries)) },
] as const;

/** Whisper-style words (leading spaces) at a steady pace, and the entry they make. */
function spokenEntry(
  speaker: number,
  start: number,
  sentence: string,
  secondsPerWord: number,
): TranscriptEntry {
  const words: TranscriptWord[] = sentence.split(' ').map((word, index) => ({
    word: ` ${word}`,
    start: start + index * secondsPerWord,
    end: start + index * secondsPerWord + secondsPerWord * 0.8,
    probability: 0.9,
  }));
  return { speaker, start, end: words[words.length - 1].end, text: words.map((w) => w.word).join(''), words };
}

/** Every cue obeys the layout limits; returns the cues of the entry in order. */
function assertLayout(cues: ParsedCue[], format: string, labelWidth: (speaker: number) => number): void {
  for (const cue of cues) {
    assert.ok(cue.endMs > cue.startMs, `${format}: cue ${cue.startMs}-${cue.endMs} has no duration`);
    assert.ok(cue.endMs - cue.startMs <= 7000, `${format}: cue lasts ${cue.endMs - cue.startMs} ms`);
    const lines = cue.text.split('\n');
    assert.ok(lines.length <= 2, `${format}: ${lines.length} lines: ${JSON.stringify(cue.text)}`);
    lines.forEach((line, index) => {
      const width = textWidth(line) + (index === 0 ? labelWidth(cue.speaker ?? 0) : 0);
      assert.ok(width <= 42, `${format}: line of ${width} columns: ${JSON.stringify(line)}`);
    });
  }
}

const srtLabelWidth = (speaker: number): number => `[SPEAKER ${speaker}] `.length;
const labelWidthOf = (format: string) => (format === 'SRT' ? srtLabelWidth : () => 0);

describe('SRT and WebVTT read back with subtitle parsers', () => {
  const conversation: TranscriptEntry[] = [
    { speaker: 0, start: 0.52, end: 2.98, text: ' Good morning, everyone.' },
    { speaker: 1, start: 3.1, end: 4.25, text: ' Morning!' },
    { speaker: 2, start: 4.4, end: 6.0, text: ' Shall we start?' },
    { speaker: 0, start: 6.2, end: 7.0, text: 'Yes.' },
  ];

  for (const { name, read } of FORMATS) {
    test(`${name}: one cue per short entry with its times, speaker and trimmed text`, () => {
      const cues = read(conversation);
      assert.deepEqual(
        cues,
        conversation.map((entry) => ({
          startMs: ms(entry.start),
          endMs: ms(entry.end),
          speaker: entry.speaker,
          text: entry.text.trim(),
        })),
      );
    });

    test(`${name}: an empty transcript is a valid empty file`, () => {
      assert.deepEqual(read([]), []);
    });

    test(`${name}: a long entry without word times is split evenly in time and text`, () => {
      const text =
        ' The committee reviewed the proposal in detail, compared it with last year’s budget, ' +
        'asked the engineering team for a revised estimate, and agreed to meet again next Thursday ' +
        'to make a final decision about the schedule and the hiring plan.';
      const entry: TranscriptEntry = { speaker: 3, start: 12.25, end: 31.75, text };
      const cues = read([entry]);
      assert.ok(cues.length >= 3, `${cues.length} cues`);
      assertLayout(cues, name, labelWidthOf(name));
      assert.equal(cues[0].startMs, ms(entry.start));
      assert.equal(cues[cues.length - 1].endMs, ms(entry.end));
      for (let i = 1; i < cues.length; i++)
        assert.equal(cues[i].startMs, cues[i - 1].endMs, 'contiguous cues');
      assert.ok(cues.every((cue) => cue.speaker === 3));
      assert.equal(squash(cues.map((cue) => cue.text).join(' ')), squash(text));
      // Time follows the text: each cue's share of the duration is its share of the characters (±1 ms rounding).
      const total = squash(text).length;
      for (const cue of cues) {
        const expected =
          ((cue.text.replace(/\n/g, ' ').length + 1) / (total + 1)) * (entry.end - entry.start) * 1000;
        assert.ok(
          Math.abs(cue.endMs - cue.startMs - expected) < 0.1 * expected + 50,
          `cue timing ${JSON.stringify(cue)}`,
        );
      }
    });

    test(`${name}: a long entry with word times is cut at word boundaries at the words' times`, () => {
      const entry = spokenEntry(
        1,
        100,
        'so what I would really like to know is whether the new release fixes the crash that we saw ' +
          'on the staging cluster last week or whether we still need the workaround in production',
        0.45,
      );
      const words = entry.words ?? [];
      const cues = read([entry]);
      assert.ok(cues.length >= 3, `${cues.length} cues`);
      assertLayout(cues, name, labelWidthOf(name));
      const wordStarts = new Set(words.map((word) => ms(word.start)));
      const wordEnds = new Set(words.map((word) => ms(word.end)));
      cues.slice(1).forEach((cue) => assert.ok(wordStarts.has(cue.startMs), `cue starts at ${cue.startMs}`));
      cues.slice(0, -1).forEach((cue) => assert.ok(wordEnds.has(cue.endMs), `cue ends at ${cue.endMs}`));
      assert.equal(squash(cues.map((cue) => cue.text).join(' ')), squash(entry.text));
      // Each cue holds exactly the words whose times lie inside it.
      let wordIndex = 0;
      for (const cue of cues) {
        const inside = words.filter((word) => ms(word.start) >= cue.startMs && ms(word.end) <= cue.endMs);
        assert.equal(squash(cue.text), squash(inside.map((word) => word.word).join('')));
        wordIndex += inside.length;
      }
      assert.equal(wordIndex, words.length);
    });

    test(`${name}: words of another speaker inside an entry start a new cue`, () => {
      const entry = spokenEntry(0, 5, 'are you coming tonight yes of course', 0.3);
      const words = (entry.words ?? []).map((word, index) => ({ ...word, speaker: index >= 4 ? 1 : 0 }));
      const cues = read([{ ...entry, words }]);
      assert.deepEqual(
        cues.map((cue) => [cue.speaker, squash(cue.text)]),
        [
          [0, 'are you coming tonight'],
          [1, 'yes of course'],
        ],
      );
      assert.equal(cues[1].startMs, ms(words[4].start));
    });

    test(`${name}: CJK text without spaces wraps by display width and keeps punctuation attached`, () => {
      const text =
        '今日はお集まりいただきありがとうございます。これから新しい製品の説明を始めますので、最後までお聞きください。';
      const entry: TranscriptEntry = { speaker: 0, start: 1, end: 13, text };
      const cues = read([entry]);
      assert.ok(cues.length >= 2);
      assertLayout(cues, name, labelWidthOf(name));
      assert.equal(cues.map((cue) => cue.text.replace(/\n/g, '')).join(''), text);
      for (const cue of cues)
        for (const line of cue.text.split('\n'))
          assert.doesNotMatch(line, /^[、。，．！？]/u, `line starts with punctuation: ${line}`);
    });

    test(`${name}: accents, emoji and right-to-left text survive unchanged`, () => {
      const entries: TranscriptEntry[] = [
        { speaker: 0, start: 0, end: 2, text: ' Ça va très bien, merci 😀' },
        { speaker: 1, start: 2, end: 4, text: ' مرحبا بكم' },
        { speaker: 2, start: 4, end: 6, text: ' 안녕하세요 여러분' },
      ];
      assert.deepEqual(
        read(entries).map((cue) => cue.text),
        entries.map((entry) => entry.text.trim()),
      );
    });

    test(`${name}: times beyond one hour and beyond 99 hours`, () => {
      const entries: TranscriptEntry[] = [
        { speaker: 0, start: 3723.456, end: 3725.001, text: 'an hour in' },
        { speaker: 1, start: 360000.5, end: 360002.25, text: 'a hundred hours in' },
      ];
      assert.deepEqual(
        read(entries).map((cue) => [cue.startMs, cue.endMs]),
        [
          [3723456, 3725001],
          [360000500, 360002250],
        ],
      );
    });

    test(`${name}: entries without duration still get a cue with a duration; empty text gets none`, () => {
      const cues = read([
        { speaker: 0, start: 2, end: 2, text: 'Hm.' },
        { speaker: 1, start: 3, end: 2.5, text: 'Backwards.' },
        { speaker: 0, start: 4, end: 5, text: '   ' },
      ]);
      assert.deepEqual(
        cues.map((cue) => [cue.text, cue.endMs > cue.startMs]),
        [
          ['Hm.', true],
          ['Backwards.', true],
        ],
      );
    });

    test(`${name}: cues come out in time order whatever the input order`, () => {
      const cues = read([
        { speaker: 1, start: 5, end: 6, text: 'second' },
        { speaker: 0, start: 1, end: 2, text: 'first' },
        { speaker: 2, start: 5.5, end: 7, text: 'overlapping' },
      ]);
      assert.deepEqual(
        cues.map((cue) => cue.text),
        ['first', 'second', 'overlapping'],
      );
    });
  }
});

describe('format details', () => {
  test('VTT escapes &, < and > so that the text reads back exactly and no tag is injected', () => {
    const text = 'a <b>bold</b> claim & a --> arrow';
    const vtt = formatVtt([{ speaker: 0, start: 0, end: 3, text }]);
    assert.doesNotMatch(vtt.split('\n').slice(3).join('\n'), /-->/);
    assert.deepEqual(readVtt(vtt)[0], { startMs: 0, endMs: 3000, speaker: 0, text });
  });

  test('VTT starts with the WEBVTT signature and separates cues with a blank line', () => {
    const vtt = formatVtt([
      { speaker: 0, start: 0, end: 1, text: 'one' },
      { speaker: 1, start: 1, end: 2, text: 'two' },
    ]);
    assert.equal(
      vtt,
      'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Speaker 0>one\n\n00:00:01.000 --> 00:00:02.000\n<v Speaker 1>two\n',
    );
  });

  test('speakerLabels: false leaves the speaker out of both formats', () => {
    const entries: TranscriptEntry[] = [{ speaker: 4, start: 0, end: 1, text: 'plain' }];
    assert.equal(readSrt(formatSrt(entries, { speakerLabels: false }))[0].text, 'plain');
    assert.doesNotMatch(formatSrt(entries, { speakerLabels: false }), /SPEAKER/);
    const vtt = formatVtt(entries, { speakerLabels: false });
    assert.doesNotMatch(vtt, /<v /);
    assert.equal(readVtt(vtt)[0].speaker, null);
  });

  test('cue limits are options', () => {
    const entry: TranscriptEntry = {
      speaker: 0,
      start: 0,
      end: 10,
      text: 'one two three four five six seven eight',
    };
    const cues = readSrt(formatSrt([entry], { maxCueSeconds: 3, speakerLabels: false }));
    assert.ok(cues.length >= 4 && cues.every((cue) => cue.endMs - cue.startMs <= 3000), JSON.stringify(cues));
    const narrow = readSrt(
      formatSrt([{ ...entry, end: 2 }], { maxLineChars: 10, maxLines: 1, speakerLabels: false }),
    );
    assert.ok(
      narrow.every((cue) => !cue.text.includes('\n') && cue.text.length <= 10),
      JSON.stringify(narrow),
    );
  });

  test('a single word longer than a line still gets a cue', () => {
    const word = 'Pneumonoultramicroscopicsilicovolcanoconiosis-and-then-some-more';
    const cues = readSrt(formatSrt([{ speaker: 0, start: 0, end: 1, text: word }]));
    assert.equal(cues.length, 1);
    assert.equal(cues[0].text, word);
  });

  test('non-finite times, bad speakers and bad options are typed errors', () => {
    assert.throws(
      () => formatSrt([{ speaker: 0, start: Number.NaN, end: 1, text: 'x' }]),
      TranscriptFormatError,
    );
    assert.throws(
      () => formatVtt([{ speaker: 0, start: 0, end: Infinity, text: 'x' }]),
      TranscriptFormatError,
    );
    assert.throws(() => formatVtt([{ speaker: -1, start: 0, end: 1, text: 'x' }]), TranscriptFormatError);
    assert.throws(() => formatSrt([], { maxLineChars: 0 }), TranscriptFormatError);
  });
});
