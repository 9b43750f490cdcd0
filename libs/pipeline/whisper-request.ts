import type { SpeechRequest } from './ports';

export type WhisperSettings = Pick<
  SpeechRequest,
  'language' | 'temperature' | 'noSpeechThreshold' | 'initialPrompt' | 'hotwords'
>;

/** Only the Whisper settings of a request, as the mixed and the per-channel paths both pass them on. */
export function whisperRequest(options: WhisperSettings): WhisperSettings {
  const { language, temperature, noSpeechThreshold, initialPrompt, hotwords } = options;
  return { language, temperature, noSpeechThreshold, initialPrompt, hotwords };
}
