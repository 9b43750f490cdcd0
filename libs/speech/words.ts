import type { NativeToken } from './native-types';
import type { Word } from './types';

const SPACE = 0x20;
const decoder = new TextDecoder('utf-8');

/**
 * Whisper's text tokens grouped into words: a token whose text begins with a space starts a new
 * word, any other token (a word piece, punctuation, the rest of a multi-byte character) continues
 * the current one. Bytes are joined before decoding, so characters split over tokens survive.
 * Special tokens (id >= `tokenEot`: end of text, language, timestamps) are skipped. A word's
 * probability is the mean of its tokens'; times are in centiseconds from whisper.cpp.
 */
export function groupWords(tokens: readonly NativeToken[], tokenEot: number): RawWord[] {
  const words: RawWord[] = [];
  let current: NativeToken[] = [];
  const flush = (): void => {
    if (current.length === 0) return;
    const text = decoder.decode(Buffer.concat(current.map((token) => token.bytes))).trim();
    if (text.length > 0) {
      const probability = current.reduce((sum, token) => sum + token.p, 0) / current.length;
      words.push({ word: text, t0: current[0].t0, t1: current[current.length - 1].t1, probability });
    }
    current = [];
  };
  for (const token of tokens) {
    if (token.id >= tokenEot) continue;
    if (token.bytes.length > 0 && token.bytes[0] === SPACE) flush();
    current.push(token);
  }
  flush();
  return words;
}

/** A word before its times are mapped to seconds of the original audio. */
export interface RawWord {
  word: string;
  t0: number;
  t1: number;
  probability: number;
}

export function toWord(raw: RawWord, toSeconds: (centiseconds: number) => number): Word {
  const start = toSeconds(raw.t0);
  return { word: raw.word, start, end: Math.max(start, toSeconds(raw.t1)), probability: raw.probability };
}

/** ln of the smallest positive float: a probability whisper.cpp rounded to 0 counts as this. */
const MIN_LOG_PROBABILITY = Math.log(1.4e-45);

/**
 * Mean natural log of the tokens' probabilities, every token Whisper sampled for the segment
 * (timestamps included), as openai-whisper's `avg_logprob`. whisper.cpp gives each token p = exp(plog)
 * computed in float, so ln(p) is its log-probability. 0 for no tokens.
 */
export function averageLogProbability(tokens: readonly Pick<NativeToken, 'p'>[]): number {
  if (tokens.length === 0) return 0;
  const sum = tokens.reduce(
    (total, token) =>
      total + (token.p > 0 ? Math.max(MIN_LOG_PROBABILITY, Math.log(token.p)) : MIN_LOG_PROBABILITY),
    0,
  );
  return sum / tokens.length;
}
