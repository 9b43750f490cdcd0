import { buildCues } from './cues';
import { formatCueTimestamp } from './timestamp';
import type { CueOptions, TranscriptEntry } from './types';

export const vttVoiceName = (speaker: number): string => `Speaker ${speaker}`;

/** Cue text may not contain `&`, `<` or `>` raw (they start entities and tags), nor `-->`, which this also avoids. */
export function escapeVttText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * WebVTT: the `WEBVTT` header, then cues `00:00:01.500 --> 00:00:04.000` with their text; the speaker is a
 * voice span `<v Speaker 0>` that players can style or show. No entries give a header-only file.
 */
export function formatVtt(entries: readonly TranscriptEntry[], options: CueOptions = {}): string {
  const labels = options.speakerLabels !== false;
  const cues = buildCues(entries, options);
  const blocks = cues.map((cue) => {
    const text = cue.lines.map(escapeVttText).join('\n');
    const body = labels ? `<v ${vttVoiceName(cue.speaker)}>${text}` : text;
    return `${formatCueTimestamp(cue.startMs, '.')} --> ${formatCueTimestamp(cue.endMs, '.')}\n${body}\n`;
  });
  return ['WEBVTT\n', ...blocks].join('\n');
}
