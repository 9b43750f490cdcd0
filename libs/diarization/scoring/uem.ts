import type { ScoredTurn } from './der';

/** Scored regions per recording id, from a NIST UEM file: `<file> <channel> <start> <end>` per line. */
export function parseUem(text: string): Map<string, [number, number][]> {
  const regions = new Map<string, [number, number][]>();
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith(';;')) continue;
    const start = Number(fields[2]);
    const end = Number(fields[3]);
    if (fields.length < 4 || !Number.isFinite(start) || !Number.isFinite(end) || end < start) {
      throw new Error(`UEM line ${index + 1} is not "<file> <channel> <start> <end>": ${line}`);
    }
    const list = regions.get(fields[0]) ?? [];
    list.push([start, end]);
    regions.set(fields[0], list);
  }
  return regions;
}

/** The parts of the turns inside the regions (md-eval scores nothing outside its UEM). */
export function clipTurns(turns: readonly ScoredTurn[], regions: readonly [number, number][]): ScoredTurn[] {
  const clipped: ScoredTurn[] = [];
  for (const turn of turns) {
    for (const [start, end] of regions) {
      const from = Math.max(start, turn.start);
      const to = Math.min(end, turn.end);
      if (to > from) clipped.push({ speaker: turn.speaker, start: from, end: to });
    }
  }
  return clipped;
}
