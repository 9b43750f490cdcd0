import { InvalidArgumentError } from './errors';

/** A short list: Whisper's prompt is small and shared with `initialPrompt` and the text decoded so far. */
export const MAX_HOTWORDS = 20;
/** One entry: a word or a short phrase. */
export const MAX_HOTWORD_CHARS = 50;
/**
 * The prompt text the hotwords add, in UTF-8 bytes. whisper.cpp gives a window's prompt 223 tokens
 * (half the decoder's 448, less one marker) and keeps the *last* ones when there are more; a token
 * of Whisper's byte-level BPE covers at least one byte, so hotwords within this many bytes always fit
 * after `initialPrompt`, whose beginning is what gives way.
 */
export const MAX_HOTWORDS_PROMPT_BYTES = 200;

/** The hotwords as they go into the prompt: one space, then the entries separated by commas. */
export function hotwordsPromptText(hotwords: readonly string[]): string {
  return hotwords.length === 0 ? '' : ` ${hotwords.join(', ')}`;
}

/** Why a hotword list is refused, or null when it is acceptable. */
export function hotwordsProblem(hotwords: readonly unknown[]): string | null {
  if (hotwords.length > MAX_HOTWORDS) return `at most ${MAX_HOTWORDS} hotwords`;
  for (const hotword of hotwords) {
    if (typeof hotword !== 'string' || hotword.trim() === '') return 'each hotword must be non-empty text';
    if (hotword !== hotword.trim()) return 'a hotword must not begin or end with spaces';
    if ([...hotword].length > MAX_HOTWORD_CHARS)
      return `each hotword at most ${MAX_HOTWORD_CHARS} characters`;
    if (/[,\p{Cc}]/u.test(hotword)) return 'a hotword must not contain commas or control characters';
  }
  const bytes = Buffer.byteLength(hotwordsPromptText(hotwords as string[]), 'utf8');
  if (bytes > MAX_HOTWORDS_PROMPT_BYTES) {
    return `hotwords too long for Whisper's prompt: ${bytes} bytes joined, at most ${MAX_HOTWORDS_PROMPT_BYTES}`;
  }
  return null;
}

/**
 * Whisper's initial prompt with the hotwords after it. With hotwords the prompt is carried into every
 * window (as faster-whisper does with its hotwords), not only the first.
 */
export function composePrompt(
  initialPrompt: string,
  hotwords: readonly unknown[] | undefined,
): { initialPrompt: string; carryInitialPrompt: boolean } {
  if (hotwords === undefined || hotwords.length === 0) return { initialPrompt, carryInitialPrompt: false };
  const problem = hotwordsProblem(hotwords);
  if (problem) throw new InvalidArgumentError(`hotwords: ${problem}`);
  const text = hotwordsPromptText(hotwords as string[]);
  return {
    initialPrompt: initialPrompt === '' ? text.trimStart() : initialPrompt + text,
    carryInitialPrompt: true,
  };
}
