/** A speaker turn as RTTM carries it: who spoke from `start` to `end` (seconds). */
export interface RttmTurn {
  speaker: number | string;
  start: number;
  end: number;
}

export interface ParsedRttmTurn {
  fileId: string;
  speaker: string;
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

/** Reads the SPEAKER lines of an RTTM text; other line types and blank lines are ignored. */
export function parseRttm(text: string): ParsedRttmTurn[] {
  const turns: ParsedRttmTurn[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'SPEAKER') continue;
    const start = Number(fields[3]);
    const duration = Number(fields[4]);
    if (fields.length < 8 || !Number.isFinite(start) || !Number.isFinite(duration) || duration < 0) {
      throw new Error(`RTTM line ${index + 1} is not a valid SPEAKER line: ${line}`);
    }
    turns.push({ fileId: fields[1], speaker: fields[7], start, end: start + duration });
  }
  return turns;
}
