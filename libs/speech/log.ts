import { loadBinding } from './binding';

export type SpeechLogLevel = 'debug' | 'info' | 'warn' | 'error';

// ggml's numbering (ggml_log_level).
const LEVELS: Record<SpeechLogLevel, number> = { debug: 1, info: 2, warn: 3, error: 4 };
const NAMES: Record<number, SpeechLogLevel> = { 1: 'debug', 2: 'info', 3: 'warn', 4: 'error' };

/**
 * whisper.cpp and ggml log nothing by default (the addon keeps them off stderr). A handler set here
 * receives their lines at `minLevel` and above, on the JS thread. Process-wide; null turns it off.
 */
export function setSpeechLogHandler(
  handler: ((level: SpeechLogLevel, message: string) => void) | null,
  minLevel: SpeechLogLevel = 'warn',
): void {
  const binding = loadBinding();
  if (handler === null) {
    binding.setLogHandler(null);
    return;
  }
  binding.setLogHandler((level, text) => {
    const message = text.trimEnd();
    if (message.length > 0) handler(NAMES[level] ?? 'info', message);
  }, LEVELS[minLevel]);
}
