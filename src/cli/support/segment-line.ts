import type { NewSegment } from '../../../libs/speech';

/** `[0:05.2 -> 0:09.8] text`, as `transcribe` shows a segment on a terminal while it transcribes. */
export function segmentLine(segment: NewSegment): string {
  const at = (seconds: number): string =>
    `${Math.floor(seconds / 60)}:${(seconds % 60).toFixed(1).padStart(4, '0')}`;
  return `[${at(segment.start)} -> ${at(segment.end)}] ${segment.text}`;
}
