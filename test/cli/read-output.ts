import assert from 'node:assert/strict';
import type { ParsedCue } from '../formats/subtitle-parsers';

export interface RttmLine {
  fileId: string;
  speaker: number;
  start: number;
  end: number;
}

/**
 * Reads RTTM strictly: every line is the standard 10 fields
 * `SPEAKER <file> 1 <onset> <duration> <NA> <NA> SPEAKER_NN <NA> <NA>` with the given file id.
 */
export function readRttmStrictly(text: string, fileId: string): RttmLine[] {
  if (text === '') return [];
  assert.ok(text.endsWith('\n'), 'RTTM ends with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      const fields = line.split(' ');
      assert.equal(fields.length, 10, `line ${index + 1} has 10 fields: ${line}`);
      const [type, file, channel, onset, duration, ortho, subtype, speaker, confidence, lookahead] = fields;
      assert.equal(type, 'SPEAKER');
      assert.equal(file, fileId);
      assert.equal(channel, '1');
      assert.deepEqual([ortho, subtype, confidence, lookahead], ['<NA>', '<NA>', '<NA>', '<NA>']);
      assert.match(onset, /^\d+\.\d{3}$/);
      assert.match(duration, /^\d+\.\d{3}$/);
      const label = /^SPEAKER_(\d{2,})$/.exec(speaker);
      assert.ok(label, `speaker label ${speaker}`);
      return {
        fileId: file,
        speaker: Number(label[1]),
        start: Number(onset),
        end: Number(onset) + Number(duration),
      };
    });
}

export interface TimedEntry {
  speaker: number;
  start: number;
  end: number;
  text: string;
}

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Subtitle cues parsed back from a file against the entries they came from: each cue belongs to one
 * entry (same speaker, inside its times), cues are in time order, and together they hold exactly the
 * entries' text.
 */
export function assertCuesMatchEntries(cues: readonly ParsedCue[], entries: readonly TimedEntry[]): void {
  for (const [index, cue] of cues.entries()) {
    assert.ok(cue.endMs > cue.startMs, `cue ${index + 1} lasts`);
    if (index > 0) assert.ok(cue.startMs >= cues[index - 1].startMs, `cue ${index + 1} is in order`);
    const owner = entries.find(
      (entry) =>
        entry.speaker === cue.speaker &&
        cue.startMs >= Math.round(entry.start * 1000) - 1 &&
        cue.endMs <= Math.max(Math.round(entry.end * 1000), Math.round(entry.start * 1000) + 1) + 1,
    );
    assert.ok(owner, `cue ${index + 1} (${JSON.stringify(cue)}) lies inside an entry of its speaker`);
  }
  assert.equal(
    squash(cues.map((cue) => cue.text).join(' ')),
    squash(entries.map((entry) => entry.text).join(' ')),
  );
}
