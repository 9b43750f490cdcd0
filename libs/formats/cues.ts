import { TranscriptFormatError } from './errors';
import { textWidth, tokenize, wrapTokens, type TextToken } from './text-layout';
import type { Cue, CueOptions, TranscriptEntry, TranscriptWord } from './types';

export const DEFAULT_CUE_OPTIONS: Required<CueOptions> = {
  maxLineChars: 42,
  maxLines: 2,
  maxCueSeconds: 7,
  speakerLabels: true,
};

/** Columns a label takes before a cue's first line (SRT writes `[SPEAKER 0] ` there; VTT uses a tag). */
export type LabelWidth = (speaker: number) => number;

interface Limits {
  maxLineChars: number;
  maxLines: number;
  maxCueSeconds: number;
  labelWidth: LabelWidth;
}

/** A stretch of an entry that becomes one cue, in seconds, before rounding to milliseconds. */
interface Piece {
  start: number;
  end: number;
  speaker: number;
  tokens: TextToken[];
}

/**
 * Cuts result entries into subtitle cues: one speaker per cue, at most `maxLines` lines of `maxLineChars`
 * and `maxCueSeconds` each. Long entries are cut at word boundaries, using the words' own times where the
 * entry has them and otherwise dividing the entry's time in proportion to the text.
 */
export function buildCues(
  entries: readonly TranscriptEntry[],
  options: CueOptions = {},
  labelWidth: LabelWidth = () => 0,
): Cue[] {
  const settings = { ...DEFAULT_CUE_OPTIONS, ...options };
  checkOptions(settings);
  const limits: Limits = { ...settings, labelWidth: settings.speakerLabels ? labelWidth : () => 0 };
  const cues: Cue[] = [];
  entries.forEach((entry, index) => {
    checkEntry(entry, index);
    for (const piece of splitEntry(entry, limits)) {
      const startMs = Math.round(piece.start * 1000);
      // A cue must last; Whisper sometimes gives a word or segment no duration at all.
      const endMs = Math.max(Math.round(piece.end * 1000), startMs + 1);
      const indent = limits.labelWidth(piece.speaker);
      // Only a single over-long word can miss the line limit; it then gets the lines it needs.
      const lines =
        wrapTokens(piece.tokens, limits.maxLineChars, limits.maxLines, indent) ??
        wrapTokens(piece.tokens, limits.maxLineChars, Infinity, indent) ??
        [];
      cues.push({ startMs, endMs, speaker: piece.speaker, lines });
    }
  });
  // Both formats want cues in order of start time; sort is stable, so simultaneous cues keep input order.
  return cues.sort((a, b) => a.startMs - b.startMs);
}

function checkOptions(options: Required<CueOptions>): void {
  for (const key of ['maxLineChars', 'maxLines', 'maxCueSeconds'] as const) {
    const value = options[key];
    if (!(typeof value === 'number' && value > 0)) {
      throw new TranscriptFormatError(`Expected a positive number for ${key} but received ${String(value)}`);
    }
  }
}

function checkEntry(entry: TranscriptEntry, index: number): void {
  if (!Number.isFinite(entry.start) || !Number.isFinite(entry.end)) {
    throw new TranscriptFormatError(`entry ${index} has non-finite times (${entry.start}, ${entry.end})`);
  }
  if (!Number.isInteger(entry.speaker) || entry.speaker < 0) {
    throw new TranscriptFormatError(
      `entry ${index} has speaker ${entry.speaker}; expected an integer from 0`,
    );
  }
}

function splitEntry(entry: TranscriptEntry, limits: Limits): Piece[] {
  const start = Math.max(0, entry.start);
  const end = Math.max(start, entry.end);
  const tokens = tokenize(entry.text ?? '');
  const words = usableWords(entry);
  const oneSpeaker = !words || words.every((word) => (word.speaker ?? entry.speaker) === entry.speaker);
  const whole: Piece = { start, end, speaker: entry.speaker, tokens };
  if (tokens.length === 0) return [];
  if (oneSpeaker && fits(whole, limits)) return [whole];
  if (words) return splitByWords(entry, words, start, end, limits);
  return splitProportionally(whole, limits);
}

/** The entry's words when every one has finite times and some text; otherwise none. */
function usableWords(entry: TranscriptEntry): readonly TranscriptWord[] | null {
  const words = entry.words?.filter((word) => word.word.trim() !== '');
  if (!words || words.length === 0) return null;
  const timed = words.every((word) => Number.isFinite(word.start) && Number.isFinite(word.end));
  return timed ? words : null;
}

function fits(piece: Piece, limits: Limits): boolean {
  if (piece.tokens.length <= 1) return true;
  if (piece.end - piece.start > limits.maxCueSeconds + 1e-9) return false;
  return (
    wrapTokens(piece.tokens, limits.maxLineChars, limits.maxLines, limits.labelWidth(piece.speaker)) !== null
  );
}

/**
 * Tokens for timed words. Whisper's words carry their leading space (" Hello", but "," and CJK characters
 * none); word lists without any spaces but from a spaced text (OpenAI's style) are joined with spaces.
 */
function wordTokens(entry: TranscriptEntry, words: readonly TranscriptWord[]): TextToken[][] {
  const spaced = words.some((word) => /^\s/.test(word.word));
  const textHasSpaces = /\s/.test((entry.text ?? '').trim());
  const gapBefore = (word: string): string => {
    if (spaced) return /^\s/.test(word) ? ' ' : '';
    return textHasSpaces ? ' ' : '';
  };
  return words.map((word) => {
    const parts = tokenize(word.word);
    if (parts.length > 0) parts[0] = { ...parts[0], gap: gapBefore(word.word) };
    return parts;
  });
}

function splitByWords(
  entry: TranscriptEntry,
  words: readonly TranscriptWord[],
  start: number,
  end: number,
  limits: Limits,
): Piece[] {
  const tokensOf = wordTokens(entry, words);
  const groups = greedyGroups(words.length, (from, to) => {
    const speaker = words[from].speaker ?? entry.speaker;
    for (let i = from + 1; i < to; i++) if ((words[i].speaker ?? entry.speaker) !== speaker) return false;
    return fits(
      { start: words[from].start, end: words[to - 1].end, speaker, tokens: tokensOf.slice(from, to).flat() },
      limits,
    );
  });
  return groups.map(([from, to], index) => {
    // Outer edges keep the entry's own times; inner edges follow the words, kept inside the entry.
    const pieceStart = index === 0 ? start : clamp(words[from].start, start, end);
    const pieceEnd = index === groups.length - 1 ? end : clamp(words[to - 1].end, start, end);
    return {
      start: pieceStart,
      end: Math.max(pieceStart, pieceEnd),
      speaker: words[from].speaker ?? entry.speaker,
      tokens: tokensOf.slice(from, to).flat(),
    };
  });
}

/** Without word times: cut at token boundaries and share the entry's time in proportion to the text width. */
function splitProportionally(whole: Piece, limits: Limits): Piece[] {
  const { tokens } = whole;
  const offsets: number[] = [];
  let width = 0;
  tokens.forEach((token, index) => {
    if (index > 0) width += textWidth(token.gap);
    offsets.push(width);
    width += textWidth(token.text);
  });
  const duration = whole.end - whole.start;
  const timeAt = (index: number): number =>
    index >= tokens.length ? whole.end : whole.start + (duration * offsets[index]) / width;
  const groups = greedyGroups(tokens.length, (from, to) =>
    fits({ ...whole, start: timeAt(from), end: timeAt(to), tokens: tokens.slice(from, to) }, limits),
  );
  return groups.map(([from, to]) => ({
    ...whole,
    start: timeAt(from),
    end: timeAt(to),
    tokens: tokens.slice(from, to),
  }));
}

/**
 * Consecutive groups `[from, to)` over `count` items, as long as `fits` allows (a single item always fits),
 * then evens out the last two so that a lone trailing word is not left on a cue of its own.
 */
function greedyGroups(count: number, fitsRange: (from: number, to: number) => boolean): [number, number][] {
  const groups: [number, number][] = [];
  let from = 0;
  for (let to = 1; to <= count; to++) {
    if (to - from > 1 && !fitsRange(from, to)) {
      groups.push([from, to - 1]);
      from = to - 1;
    }
  }
  if (from < count) groups.push([from, count]);
  if (groups.length >= 2) {
    const last = groups[groups.length - 1];
    const previous = groups[groups.length - 2];
    // Move the boundary back while both sides still fit and the last group stays the smaller one.
    while (
      previous[1] - previous[0] > last[1] - last[0] + 1 &&
      fitsRange(previous[1] - 1, last[1]) &&
      previous[1] - 1 > previous[0]
    ) {
      previous[1] -= 1;
      last[0] -= 1;
    }
  }
  return groups;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
