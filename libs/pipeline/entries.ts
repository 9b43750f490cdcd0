import type { SpeakerTurn, SpeakerWord, Utterance } from '../diarization';

/** A word of a result entry: trimmed, times like the entry's, the speaker numbered like its entry's. */
export interface ResultWord extends SpeakerWord {
  probability: number;
}

/** One entry of the HTTP contract's `results`: consecutive words of one speaker. */
export interface ResultEntry extends Omit<Utterance, 'words'> {
  /** Only with word timestamps; absent otherwise, so the contract's shape stays exact. */
  words?: ResultWord[];
  /** With `words` only: the mean of their probabilities (0..1, Whisper's confidence in the entry). */
  probability?: number;
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
  options: { words?: boolean; speakerNumbers?: ReadonlyMap<number, number> } = {},
): NumberedEntries {
  const ordered = utterances
    .map((utterance) => ({ ...utterance, text: utterance.text.trim() }))
    .filter((utterance) => utterance.text.length > 0)
    .sort(byTime);
  // Speakers already numbered (audio channels) keep their numbers; the others follow by first appearance.
  const speakerNumbers = new Map<number, number>(options.speakerNumbers ?? []);
  let next = Math.max(-1, ...speakerNumbers.values()) + 1;
  const entries = ordered.map((utterance) => {
    if (!speakerNumbers.has(utterance.speaker)) speakerNumbers.set(utterance.speaker, next++);
    const start = roundMs(Math.max(0, utterance.start));
    const entry: ResultEntry = {
      speaker: speakerNumbers.get(utterance.speaker) as number,
      start,
      end: Math.max(start, roundMs(utterance.end)),
      text: utterance.text,
    };
    // Only on request: without it the entry keeps exactly the contract's four keys.
    if (options.words) {
      entry.words = (utterance.words ?? []).map((word) => toResultWord(word, entry.speaker));
      entry.probability = meanProbability(entry.words);
    }
    return entry;
  });
  return { entries, speakerNumbers };
}

/**
 * POST /diarize's results: turns in time order, speakers renumbered by first appearance (but for
 * those `speakerNumbers` already numbers, e.g. audio channels).
 */
export function toTurnEntries(
  turns: readonly SpeakerTurn[],
  speakerNumbers: ReadonlyMap<number, number> = new Map(),
): SpeakerTurn[] {
  return numberTurns(
    turns.filter((turn) => turn.end > turn.start),
    speakerNumbers,
  );
}

/**
 * The numbering of a result whose speakers are audio channels (speaker n = channel n, kept as is);
 * undefined for diarized speakers, numbered by first appearance.
 */
export function channelSpeakerNumbers(result: {
  channels?: number;
}): ReadonlyMap<number, number> | undefined {
  if (result.channels === undefined) return undefined;
  return new Map(Array.from({ length: result.channels }, (_, channel) => [channel, channel]));
}

/** Mean of the words' probabilities, rounded like theirs; 0 without words. */
function meanProbability(words: readonly ResultWord[]): number {
  if (words.length === 0) return 0;
  return Math.round((words.reduce((sum, word) => sum + word.probability, 0) / words.length) * 1000) / 1000;
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
