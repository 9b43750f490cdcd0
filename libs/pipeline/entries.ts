import type { SpeakerTurn, SpeakerWord, Utterance } from '../diarization';

/** A word of a result entry: trimmed, times like the entry's, the speaker numbered like its entry's. */
export interface ResultWord extends SpeakerWord {
  probability: number;
}

/** One entry of the HTTP contract's `results`: consecutive words of one speaker. */
export interface ResultEntry extends Omit<Utterance, 'words'> {
  /** Only with word timestamps; absent otherwise, so the contract's shape stays exact. */
  words?: ResultWord[];
}

export interface NumberedEntries {
  entries: ResultEntry[];
  /** The utterances' speaker -> the entries' speaker (0, 1, ... by first appearance). */
  speakerNumbers: Map<number, number>;
}

const byTime = (a: { start: number; end: number }, b: { start: number; end: number }): number =>
  a.start - b.start || a.end - b.end;

/**
 * The contract's `results`: in time order, text trimmed (empty entries dropped), speakers renumbered
 * 0, 1, ... in order of first appearance, times in seconds rounded to milliseconds.
 */
export function toResultEntries(
  utterances: readonly (Omit<Utterance, 'words'> & { words?: readonly SpeakerWord[] })[],
  options: { words?: boolean } = {},
): NumberedEntries {
  const ordered = utterances
    .map((utterance) => ({ ...utterance, text: utterance.text.trim() }))
    .filter((utterance) => utterance.text.length > 0)
    .sort(byTime);
  const speakerNumbers = new Map<number, number>();
  const entries = ordered.map((utterance) => {
    if (!speakerNumbers.has(utterance.speaker)) speakerNumbers.set(utterance.speaker, speakerNumbers.size);
    const start = roundMs(Math.max(0, utterance.start));
    const entry: ResultEntry = {
      speaker: speakerNumbers.get(utterance.speaker) as number,
      start,
      end: Math.max(start, roundMs(utterance.end)),
      text: utterance.text,
    };
    // Only on request: without it the entry keeps exactly the contract's four keys.
    if (options.words) entry.words = (utterance.words ?? []).map((word) => toResultWord(word, entry.speaker));
    return entry;
  });
  return { entries, speakerNumbers };
}

/** POST /diarize's results: turns in time order, speakers renumbered by first appearance. */
export function toTurnEntries(turns: readonly SpeakerTurn[]): SpeakerTurn[] {
  return numberTurns(
    turns.filter((turn) => turn.end > turn.start),
    new Map(),
  );
}

/**
 * Turns numbered like the entries: a speaker who said words keeps their number there; one who said
 * none (speech Whisper did not transcribe) takes the next free number, by first turn.
 */
export function numberTurns(
  turns: readonly SpeakerTurn[],
  speakerNumbers: ReadonlyMap<number, number>,
): SpeakerTurn[] {
  const numbers = new Map(speakerNumbers);
  let next = Math.max(-1, ...numbers.values()) + 1;
  return [...turns].sort(byTime).map((turn) => {
    if (!numbers.has(turn.speaker)) numbers.set(turn.speaker, next++);
    const start = roundMs(Math.max(0, turn.start));
    return { speaker: numbers.get(turn.speaker) as number, start, end: Math.max(start, roundMs(turn.end)) };
  });
}

function toResultWord(word: SpeakerWord, speaker: number): ResultWord {
  const start = roundMs(Math.max(0, word.start));
  return {
    word: word.word.trim(),
    start,
    end: Math.max(start, roundMs(word.end)),
    probability: Math.round((word.probability ?? 0) * 1000) / 1000,
    speaker,
  };
}

function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
