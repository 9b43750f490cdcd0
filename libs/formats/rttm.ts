export { parseRttm } from '../diarization';
export type { ParsedRttmTurn } from '../diarization';

/** A speaker turn as RTTM carries it: who spoke from `start` to `end` (seconds). */
export interface RttmTurn {
  speaker: number | string;
  start: number;
  end: number;
}

/**
 * The standard 10-field RTTM line per turn:
 * `SPEAKER <file> 1 <onset> <duration> <NA> <NA> <speaker> <NA> <NA>`.
 * Integer speakers are written as `SPEAKER_00`, `SPEAKER_01`, ... as pyannote does.
 */
export function formatRttm(turns: readonly RttmTurn[], fileId: string): string {
  const id = fileId.replace(/\s+/g, '_') || 'audio';
  return turns
    .map((turn) => {
      const speaker = typeof turn.speaker === 'number' ? speakerLabel(turn.speaker) : turn.speaker;
      const duration = Math.max(0, turn.end - turn.start);
      return `SPEAKER ${id} 1 ${turn.start.toFixed(3)} ${duration.toFixed(3)} <NA> <NA> ${speaker} <NA> <NA>\n`;
    })
    .join('');
}

export function speakerLabel(speaker: number): string {
  return `SPEAKER_${String(speaker).padStart(2, '0')}`;
}
