import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type ScoredTurn, computeDer } from '../../../libs/diarization';
import { parseRttm } from '../../../libs/formats';
import { registerEvalParityCommand } from './eval-parity';

/**
 * `eval der REF HYP`: diarization error rate, collar 0, overlapped speech scored, optimal one-to-one
 * speaker mapping. REF and HYP are RTTM files, or JSON (a list of {speaker, start, end}, or an object
 * with results / segments / turns holding one, as `diarize --format json` and GET /result print).
 */
export function registerEvalCommand(program: Command): void {
  const evaluate = program.command('eval').description('Measure results against references');
  registerEvalParityCommand(evaluate);
  evaluate
    .command('der')
    .description('Diarization error rate of HYP against REF (collar 0, overlap scored)')
    .argument('<reference>', 'reference turns (RTTM or JSON)')
    .argument('<hypothesis>', 'hypothesis turns (RTTM or JSON)')
    .option('--json', 'print the figures as JSON')
    .action((reference: string, hypothesis: string, options: { json?: boolean }) => {
      const result = computeDer(readTurns(reference), readTurns(hypothesis));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
      process.stdout.write(
        `DER ${pct(result.der)} (miss ${pct(result.miss)}, false alarm ${pct(result.falseAlarm)}, ` +
          `confusion ${pct(result.confusion)}) over ${result.referenceSeconds.toFixed(2)} s of reference speech\n`,
      );
    });
}

export function readTurns(file: string): ScoredTurn[] {
  const text = readFileSync(file, 'utf8');
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return parseRttm(text);
  let data: unknown = JSON.parse(text);
  if (data && !Array.isArray(data) && typeof data === 'object') {
    const object = data as Record<string, unknown>;
    data = object.results ?? object.segments ?? object.turns ?? [];
  }
  if (!Array.isArray(data)) throw new Error(`${file}: expected a list of turns`);
  return data.map((entry: unknown, index) => {
    const turn = entry as Record<string, unknown>;
    const start = Number(turn.start);
    const end = Number(turn.end);
    if (turn.speaker === undefined || !Number.isFinite(start) || !Number.isFinite(end)) {
      throw new Error(`${file}: turn ${index} needs speaker, start and end`);
    }
    return { speaker: String(turn.speaker), start, end };
  });
}
