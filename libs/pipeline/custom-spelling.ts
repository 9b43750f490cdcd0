import type { Utterance } from '../diarization';
import type { Segment } from '../speech';
import type { Transcript } from './transcript';

/** `{"to": ["from", ...]}`: each `from` word, in any case, is written as `to`. */
export type CustomSpelling = Readonly<Record<string, readonly string[]>>;

/** Bounds of a custom spelling: it is one regular expression run over every word of a transcript. */
export const CUSTOM_SPELLING_LIMITS = Object.freeze({
  /** Spellings (keys). */
  maxSpellings: 100,
  /** `from` words over all spellings. */
  maxWords: 1000,
  /** Characters of one spelling or one `from` word. */
  maxChars: 100,
});

// A word is a run of letters, marks, digits and underscores: a `from` word matches only where
// neither neighbour is one of these (so "cat" is not replaced inside "category").
const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}_]`;

/** Why a value is not a custom spelling, or null when it is one. */
export function customSpellingProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be a JSON object of {"spelling": ["word", ...]}';
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const { maxSpellings, maxWords, maxChars } = CUSTOM_SPELLING_LIMITS;
  if (entries.length > maxSpellings) return `at most ${maxSpellings} spellings`;
  const seen = new Map<string, string>();
  for (const [to, from] of entries) {
    if (to.trim() === '' || to !== to.trim())
      return 'each spelling must be non-empty text without outer spaces';
    if ([...to].length > maxChars) return `each spelling at most ${maxChars} characters`;
    if (!Array.isArray(from) || from.length === 0) return `"${to}" must map from a non-empty list of words`;
    for (const word of from as unknown[]) {
      if (
        typeof word !== 'string' ||
        !new RegExp(`^${WORD_CHAR}+(?:['’.-]${WORD_CHAR}+)*$`, 'u').test(word)
      ) {
        return `"${to}": each word to replace must be one word (letters, digits; no spaces)`;
      }
      if ([...word].length > maxChars) return `each word to replace at most ${maxChars} characters`;
      const key = word.toLowerCase();
      const other = seen.get(key);
      if (other !== undefined && other !== to)
        return `"${word}" is given two spellings ("${other}", "${to}")`;
      seen.set(key, to);
    }
    if (seen.size > maxWords) return `at most ${maxWords} words to replace`;
  }
  return null;
}

/**
 * A function that writes every whole `from` word of a text (matched whatever its case) as its
 * spelling, exactly as the spelling is written; punctuation and spaces around it stay.
 */
export function respeller(spelling: CustomSpelling): (text: string) => string {
  const spellings = new Map<string, string>();
  for (const [to, from] of Object.entries(spelling))
    for (const word of from) spellings.set(word.toLowerCase(), to);
  if (spellings.size === 0) return (text) => text;
  // Longest first, so that "e-mail" wins over "e".
  const alternatives = [...spellings.keys()]
    .sort((a, b) => b.length - a.length)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'));
  const pattern = new RegExp(`(?<!${WORD_CHAR})(?:${alternatives.join('|')})(?!${WORD_CHAR})`, 'giu');
  return (text) => text.replace(pattern, (match) => spellings.get(match.toLowerCase()) ?? match);
}

/** The transcript with the spelling applied to every text and word it holds, hence to every output format. */
export function respellTranscript(transcript: Transcript, spelling: CustomSpelling): Transcript {
  const respell = respeller(spelling);
  const respellWords = <W extends { word: string }>(words: readonly W[]): W[] =>
    words.map((word) => ({ ...word, word: respell(word.word) }));
  return {
    ...transcript,
    segments: transcript.segments.map((segment): Segment => ({
      ...segment,
      text: respell(segment.text),
      words: respellWords(segment.words),
    })),
    utterances: transcript.utterances.map((utterance): Utterance => ({
      ...utterance,
      text: respell(utterance.text),
      words: respellWords(utterance.words),
    })),
  };
}
