import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  type DerResult,
  type Recording,
  type ScoredTurn,
  aggregateDer,
  clipTurns,
  computeDer,
  pairRecordings,
  parseUem,
} from '../../../libs/diarization';
import { parseRttm } from '../../../libs/formats';

interface FileScore extends DerResult {
  file: string;
  referenceSpeakers: number;
  hypothesisSpeakers: number;
  /** False where no hypothesis matched the reference (all of it counted as missed). */
  matched: boolean;
}

/**
 * `eval der REF HYP`: diarization error rate, collar 0, overlapped speech scored, optimal one-to-one
 * speaker mapping per file, as NIST's md-eval computes it (`-c 0`, without `-1`). Every second is
 * scored unless a UEM file limits it (md-eval without a UEM scores only the reference's extent: give
 * it a UEM spanning both files to compare). REF and HYP are
 * RTTM or JSON files, or folders of them, paired by recording (RTTM file id or file name stem). With
 * several recordings it prints one row per file and the aggregate: total error over total reference
 * speech.
 */
export function registerEvalDerCommand(evaluate: Command): void {
  evaluate
    .command('der')
    .description(
      'Diarization error rate of HYP against REF (collar 0, overlap scored); files or folders, paired by file id',
    )
    .argument('<reference>', 'reference turns: an RTTM or JSON file, or a folder of them')
    .argument('<hypothesis>', 'hypothesis turns: an RTTM or JSON file, or a folder of them')
    .option('--json', 'print the figures as JSON')
    .option('--uem <file>', 'score only these regions (NIST UEM: <file id> <channel> <start> <end> per line)')
    .action((reference: string, hypothesis: string, options: { json?: boolean; uem?: string }) => {
      const { pairs, unmatched } = pairRecordings(readRecordings(reference), readRecordings(hypothesis));
      const uem = options.uem ? parseUem(readFileSync(options.uem, 'utf8')) : null;
      const scored = (turns: ScoredTurn[], id: string): ScoredTurn[] =>
        uem ? clipTurns(turns, uem.get(id) ?? []) : turns;
      if (pairs.length === 0) throw new Error(`${reference}: no reference turns found`);
      for (const extra of unmatched) {
        process.stderr.write(`warning: hypothesis ${extra.id} matches no reference; not scored\n`);
      }
      const files = pairs.map(({ id, reference: ref, hypothesis: hyp }): FileScore => ({
        file: id,
        ...computeDer(scored(ref.turns, id), scored(hyp?.turns ?? [], id)),
        referenceSpeakers: speakerCount(ref.turns),
        hypothesisSpeakers: hyp ? speakerCount(hyp.turns) : 0,
        matched: hyp !== null,
      }));
      const total = aggregateDer(files);
      const single = files.length === 1 && !isDirectory(reference) && !isDirectory(hypothesis);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(single ? files[0] : { files, total })}\n`);
      } else if (single) {
        process.stdout.write(`${summary(total)}\n`);
      } else {
        process.stdout.write(table(files, total));
      }
    });
}

/** Turns of one file: RTTM, or JSON (a list of {speaker, start, end}, or an object with results / segments / turns). */
export function readTurns(file: string): ScoredTurn[] {
  return readFileRecordings(file).flatMap((recording) => recording.turns);
}

function readRecordings(location: string): Recording[] {
  if (!isDirectory(location)) return readFileRecordings(location);
  // RTTM files first; a JSON file counts only where no RTTM has its stem (a folder of fixtures may
  // hold both, the JSON with the same turns and their text).
  const names = readdirSync(location).sort();
  const rttmStems = new Set(names.filter((n) => n.endsWith('.rttm')).map((n) => path.basename(n, '.rttm')));
  const files = names.filter(
    (name) =>
      name.endsWith('.rttm') || (name.endsWith('.json') && !rttmStems.has(path.basename(name, '.json'))),
  );
  return files.flatMap((name) => readFileRecordings(path.join(location, name)));
}

/** An RTTM file holds one recording per file id; a JSON file is one recording named by its stem. */
function readFileRecordings(file: string): Recording[] {
  const text = readFileSync(file, 'utf8');
  const stem = path.basename(file, path.extname(file));
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) {
    const byId = new Map<string, ScoredTurn[]>();
    for (const { fileId, speaker, start, end } of parseRttm(text)) {
      const turns = byId.get(fileId) ?? [];
      turns.push({ speaker, start, end });
      byId.set(fileId, turns);
    }
    if (byId.size === 0) return [{ id: stem, stem, turns: [] }];
    return [...byId].map(([id, turns]) => ({ id, stem, turns }));
  }
  let data: unknown = JSON.parse(text);
  if (data && !Array.isArray(data) && typeof data === 'object') {
    const object = data as Record<string, unknown>;
    data = object.results ?? object.segments ?? object.turns ?? [];
  }
  if (!Array.isArray(data)) throw new Error(`${file}: expected a list of turns`);
  const turns = data.map((entry: unknown, index) => {
    const turn = entry as Record<string, unknown>;
    const start = Number(turn.start);
    const end = Number(turn.end);
    if (turn.speaker === undefined || !Number.isFinite(start) || !Number.isFinite(end)) {
      throw new Error(`${file}: turn ${index} needs speaker, start and end`);
    }
    return { speaker: String(turn.speaker), start, end };
  });
  return [{ id: stem, stem, turns }];
}

function isDirectory(location: string): boolean {
  return statSync(location).isDirectory();
}

function speakerCount(turns: readonly ScoredTurn[]): number {
  return new Set(turns.map((turn) => String(turn.speaker))).size;
}

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

function summary(result: DerResult): string {
  return (
    `DER ${pct(result.der)} (miss ${pct(result.miss)}, false alarm ${pct(result.falseAlarm)}, ` +
    `confusion ${pct(result.confusion)}) over ${result.referenceSeconds.toFixed(2)} s of reference speech`
  );
}

function table(files: readonly FileScore[], total: DerResult): string {
  const header = ['file', 'ref s', 'DER', 'miss', 'false al.', 'confusion', 'spk ref/hyp'];
  const rows = files.map((f) => [
    f.matched ? f.file : `${f.file} (no hypothesis)`,
    f.referenceSeconds.toFixed(2),
    pct(f.der),
    pct(f.miss),
    pct(f.falseAlarm),
    pct(f.confusion),
    `${f.referenceSpeakers}/${f.hypothesisSpeakers}`,
  ]);
  rows.push([
    `aggregate (${files.length} files)`,
    total.referenceSeconds.toFixed(2),
    pct(total.der),
    pct(total.miss),
    pct(total.falseAlarm),
    pct(total.confusion),
    '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.slice(0, -1).map(line), line(rows[rows.length - 1])].join('\n') + '\n';
}
