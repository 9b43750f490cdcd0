import type { SpeakerTurn } from './reconstruction';

/** A word from the speech library; Whisper words carry their leading space (" hello"). */
export interface TimedWord {
  word: string;
  start: number;
  end: number;
  probability?: number;
}

export interface SpeakerWord extends TimedWord {
  speaker: number;
}

export interface Utterance {
  speaker: number;
  start: number;
  end: number;
  text: string;
  words: SpeakerWord[];
}

/** Default for assignSpeakers: a word touching no turn takes the nearest turn at most this far away. */
export const DEFAULT_MAX_GAP_SECONDS = 1;
/** Default for groupUtterances: a pause this long between words starts a new utterance. */
export const DEFAULT_MAX_PAUSE_SECONDS = 1;

/**
 * Gives each word the speaker whose exclusive turns overlap it most, word by word (never the
 * majority speaker of a whole Whisper segment, which loses fast turns). A word overlapping no turn
 * takes the nearest turn within `maxGapSeconds`; failing that, the previous word's speaker (a word
 * inside a long silence most likely continues the sentence), or the nearest turn at all, or 0.
 */
export function assignSpeakers(
  words: readonly TimedWord[],
  exclusiveTurns: readonly SpeakerTurn[],
  options: { maxGapSeconds?: number } = {},
): SpeakerWord[] {
  const maxGap = options.maxGapSeconds ?? DEFAULT_MAX_GAP_SECONDS;
  const turns = exclusiveTurns.filter((t) => t.end > t.start).sort((a, b) => a.start - b.start);
  // Turns can overlap if a caller passes non-exclusive ones; a running maximum of ends keeps the search right.
  const maxEndUpTo = new Float64Array(turns.length);
  turns.forEach((t, i) => (maxEndUpTo[i] = Math.max(t.end, i > 0 ? maxEndUpTo[i - 1] : -Infinity)));
  const result: SpeakerWord[] = [];
  let previous: number | null = null;
  for (const word of words) {
    const start = Math.min(word.start, word.end);
    const end = Math.max(word.start, word.end);
    // First turn that may end after the word starts.
    let lo = 0;
    let hi = turns.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (maxEndUpTo[mid] <= start) lo = mid + 1;
      else hi = mid;
    }
    const overlap = new Map<number, number>();
    for (let i = lo; i < turns.length && turns[i].start <= end; i++) {
      const shared = Math.min(end, turns[i].end) - Math.max(start, turns[i].start);
      // A zero-length word inside a turn still counts as overlapping it.
      if (shared > 0 || (shared === 0 && start === end && turns[i].start <= start && start < turns[i].end)) {
        overlap.set(turns[i].speaker, (overlap.get(turns[i].speaker) ?? 0) + shared);
      }
    }
    let speaker: number | null = null;
    let best = -1;
    for (const [candidate, seconds] of overlap) {
      if (seconds > best) {
        best = seconds;
        speaker = candidate;
      }
    }
    if (speaker === null) {
      const nearest = nearestTurn(turns, start, end, lo);
      if (nearest && nearest.distance <= maxGap) speaker = nearest.turn.speaker;
      else speaker = previous ?? nearest?.turn.speaker ?? 0;
    }
    previous = speaker;
    result.push({ ...word, speaker });
  }
  return result;
}

function nearestTurn(
  turns: readonly SpeakerTurn[],
  start: number,
  end: number,
  around: number,
): { turn: SpeakerTurn; distance: number } | null {
  let best: { turn: SpeakerTurn; distance: number } | null = null;
  // The nearest turn ending before the word is among those before `around`; scan back while useful.
  for (let i = Math.min(around, turns.length - 1); i >= 0; i--) {
    const turn = turns[i];
    const distance = turn.end <= start ? start - turn.end : turn.start >= end ? turn.start - end : 0;
    if (!best || distance < best.distance) best = { turn, distance };
    if (turn.end <= start && best.distance <= start - turn.end) break;
  }
  for (let i = around; i < turns.length; i++) {
    const turn = turns[i];
    const distance = turn.start >= end ? turn.start - end : turn.end <= start ? start - turn.end : 0;
    if (!best || distance < best.distance) best = { turn, distance };
    if (turn.start >= end) break;
  }
  return best;
}

/** Sentence-final punctuation of many scripts, possibly followed by closing quotes or brackets. */
const SENTENCE_END = /[.!?。？！…‼⁇⁈⁉؟۔।॥።]["'”’»」』）)\]]*$/u;

/**
 * Result entries: runs of consecutive words of one speaker, also split after a sentence end (in any
 * script, 。？！ included) and at pauses longer than `maxPauseSeconds`. Text is the words joined
 * as Whisper tokens join (each word carries its own leading space), trimmed.
 */
export function groupUtterances(
  words: readonly SpeakerWord[],
  options: { maxPauseSeconds?: number } = {},
): Utterance[] {
  const maxPause = options.maxPauseSeconds ?? DEFAULT_MAX_PAUSE_SECONDS;
  const utterances: Utterance[] = [];
  let current: SpeakerWord[] = [];
  const flush = (): void => {
    if (current.length === 0) return;
    const text = current
      .map((w) => w.word)
      .join('')
      .trim();
    utterances.push({
      speaker: current[0].speaker,
      start: current[0].start,
      end: Math.max(...current.map((w) => w.end)),
      text,
      words: current,
    });
    current = [];
  };
  for (const word of words) {
    const last = current[current.length - 1];
    if (last && (word.speaker !== last.speaker || word.start - last.end > maxPause)) flush();
    current.push(word);
    if (SENTENCE_END.test(word.word.trim())) flush();
  }
  flush();
  return utterances;
}
