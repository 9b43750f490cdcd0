/** A turn read from an RTTM file, with the recording it belongs to. */
export interface ParsedRttmTurn {
  fileId: string;
  speaker: string;
  start: number;
  end: number;
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
