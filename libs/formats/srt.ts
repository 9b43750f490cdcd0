import { buildCues } from './cues';
import { textWidth } from './text-layout';
import { formatCueTimestamp } from './timestamp';
import type { CueOptions, TranscriptEntry } from './types';

export const srtSpeakerLabel = (speaker: number): string => `[SPEAKER ${speaker}] `;

/**
 * SubRip: numbered cues `1`, `00:00:01,500 --> 00:00:04,000`, the text lines, a blank line.
 * SRT has no speaker markup, so the speaker is written before the text as `[SPEAKER 0] `.
 * No entries give an empty file.
 */
export function formatSrt(entries: readonly TranscriptEntry[], options: CueOptions = {}): string {
  const labels = options.speakerLabels !== false;
  const cues = buildCues(entries, options, (speaker) => textWidth(srtSpeakerLabel(speaker)));
  return cues
    .map((cue, index) => {
      const text = cue.lines.join('\n');
      const body = labels ? srtSpeakerLabel(cue.speaker) + text : text;
      const timing = `${formatCueTimestamp(cue.startMs, ',')} --> ${formatCueTimestamp(cue.endMs, ',')}`;
      return `${index + 1}\n${timing}\n${body}\n`;
    })
    .join('\n');
}
