import { TranscriptFormatError } from './errors';
import { normalizeSpace } from './text-layout';
import type { TranscriptEntry } from './types';

export interface TextOptions {
  /** Start each line with `[SPEAKER 0] `. Default true. */
  speakerLabels?: boolean;
}

/** Plain text, one line per entry in the order given; entries without text are left out. */
export function formatText(entries: readonly TranscriptEntry[], options: TextOptions = {}): string {
  const labels = options.speakerLabels !== false;
  return entries
    .map((entry, index) => {
      if (labels && !(Number.isInteger(entry.speaker) && entry.speaker >= 0)) {
        throw new TranscriptFormatError(
          `entry ${index} has speaker ${entry.speaker}; expected an integer from 0`,
        );
      }
      const text = normalizeSpace(entry.text ?? '');
      if (text === '') return null;
      return `${labels ? `[SPEAKER ${entry.speaker}] ` : ''}${text}\n`;
    })
    .filter((line): line is string => line !== null)
    .join('');
}
