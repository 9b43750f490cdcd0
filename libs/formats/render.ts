import { formatRttm } from './rttm';
import { formatSrt } from './srt';
import { formatText } from './text';
import type { CueOptions, TranscriptEntry } from './types';
import { formatVtt } from './vtt';

/** The text formats a transcript can be delivered in besides the contract's JSON. */
export const TEXT_FORMATS = ['srt', 'vtt', 'txt', 'rttm'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

export const TEXT_FORMAT_CONTENT_TYPES: Readonly<Record<TextFormat, string>> = {
  srt: 'application/x-subrip; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  rttm: 'text/plain; charset=utf-8',
};

export function isTextFormat(value: unknown): value is TextFormat {
  return typeof value === 'string' && (TEXT_FORMATS as readonly string[]).includes(value);
}

export interface RenderOptions extends CueOptions {
  /** The RTTM file id (second field); default `audio`. */
  fileId?: string;
}

/** One entry point for the HTTP layer and the CLI: the transcript in the asked text format. */
export function renderTranscript(
  entries: readonly TranscriptEntry[],
  format: TextFormat,
  options: RenderOptions = {},
): string {
  switch (format) {
    case 'srt':
      return formatSrt(entries, options);
    case 'vtt':
      return formatVtt(entries, options);
    case 'txt':
      return formatText(entries, options);
    case 'rttm':
      return formatRttm(entries, options.fileId ?? 'audio');
  }
}
