import { renderTranscript, TEXT_FORMATS, formatRttm } from '../../../libs/formats';
import type { SpeakerTurn } from '../../../libs/diarization';
import type { EntryWithWords } from './who-said-what';

/** json is the HTTP contract's `results`; the others are what GET /result?format= gives. */
export const TRANSCRIPT_FORMATS = ['json', ...TEXT_FORMATS] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

export interface TranscriptOutput {
  entries: readonly EntryWithWords[];
  /** Who spoke when, numbered like `entries`; null without diarization (RTTM then uses the entries). */
  turns: readonly SpeakerTurn[] | null;
  /** RTTM's file id: the input's name without folder and extension. */
  fileId: string;
  /** Add each entry's words to the JSON. */
  wordTimestamps: boolean;
}

export function renderTranscriptOutput(format: TranscriptFormat, output: TranscriptOutput): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        output.entries.map((entry) => toJson(entry, output.wordTimestamps)),
        null,
        2,
      )}\n`;
    case 'rttm':
      // The diarizer's turns are the better RTTM: they hold speech Whisper wrote nothing for, and overlaps.
      return output.turns
        ? formatRttm(output.turns, output.fileId)
        : renderTranscript(output.entries, 'rttm', { fileId: output.fileId });
    default:
      return renderTranscript(output.entries, format, { fileId: output.fileId });
  }
}

/** Without --word-timestamps exactly the contract's four keys, as GET /result gives them. */
function toJson(entry: EntryWithWords, withWords: boolean): object {
  const { speaker, start, end, text, words, probability } = entry;
  return withWords ? { speaker, start, end, text, words, probability } : { speaker, start, end, text };
}
