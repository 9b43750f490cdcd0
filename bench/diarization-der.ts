/**
 * Aggregate DER (total error time over total reference speech, collar 0, overlap scored) of the
 * default diarization over sets of recordings, with the reference speaker count given and automatic:
 *   npm run -s build:test && node dist/bench/diarization-der.js [PATH ...] [--verbose] [--embedding-model FILE]
 * Each PATH is a folder (every NAME.wav beside a NAME.rttm in it is one file of the set) or a single
 * NAME.wav; each PATH is one set. Without PATH: the shared sets real/ami (dev set A) and
 * real/ami-dev00 + real/pyannote-sample (dev set B). The segmentation model is the one the server
 * would use (SEGMENTATION_MODEL_PATH, else the one installed under MODELS_DIR); SHARED_DIR locates the fixtures.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeToPcm } from '../libs/audio';
import { Diarizer, computeDer } from '../libs/diarization';
import { parseRttm } from '../libs/formats';
import { installedSegmentationModel } from '../test/support/shared-files';

const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(__dirname, '..', '..', '..', 'shared'));
const modelPath = installedSegmentationModel();

interface Totals {
  reference: number;
  miss: number;
  falseAlarm: number;
  confusion: number;
  countRight: number;
  files: number;
}

function filesOf(target: string): string[] {
  const stems = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((name) => name.endsWith('.wav'))
        .sort()
        .map((name) => path.join(target, name.slice(0, -4)))
    : [target.replace(/\.wav$/, '')];
  return stems.filter((stem) => existsSync(`${stem}.wav`) && existsSync(`${stem}.rttm`));
}

const percent = (value: number, total: number): string => ((100 * value) / Math.max(total, 1e-9)).toFixed(1);

function line(label: string, t: Totals): string {
  const errors = t.miss + t.falseAlarm + t.confusion;
  return (
    `${label}: DER ${percent(errors, t.reference)} % (miss ${percent(t.miss, t.reference)},` +
    ` false alarm ${percent(t.falseAlarm, t.reference)}, confusion ${percent(t.confusion, t.reference)});` +
    ` count right on ${t.countRight}/${t.files} files; ${t.reference.toFixed(0)} s of reference speech`
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const verbose = argv.includes('--verbose');
  const embeddingIndex = argv.indexOf('--embedding-model');
  const embeddingModelPath = embeddingIndex >= 0 ? argv[embeddingIndex + 1] : undefined;
  const targets = argv.filter(
    (arg, i) => !arg.startsWith('--') && (embeddingIndex < 0 || i !== embeddingIndex + 1),
  );
  const fixtures = path.join(sharedDir, 'fixtures', 'real');
  const sets: { name: string; files: string[] }[] =
    targets.length > 0
      ? targets.map((target) => ({ name: target, files: filesOf(target) }))
      : [
          { name: 'A real/ami', files: filesOf(path.join(fixtures, 'ami')) },
          {
            name: 'B ami-dev00 + pyannote-sample',
            files: ['ami-dev00', 'pyannote-sample'].flatMap((n) => filesOf(path.join(fixtures, `${n}.wav`))),
          },
        ];
  if (!existsSync(modelPath) || sets.every((set) => set.files.length === 0)) {
    console.log(
      `skipped: ${modelPath} or the recordings are missing (set SHARED_DIR or SEGMENTATION_MODEL_PATH)`,
    );
    return;
  }
  const diarizer = await Diarizer.create({ segmentationModelPath: modelPath, embeddingModelPath });
  const summary: Record<string, Record<string, number>> = {};
  try {
    for (const set of sets) {
      const totals = {
        given: { reference: 0, miss: 0, falseAlarm: 0, confusion: 0, countRight: 0, files: 0 },
        automatic: { reference: 0, miss: 0, falseAlarm: 0, confusion: 0, countRight: 0, files: 0 },
      };
      for (const stem of set.files) {
        const reference = parseRttm(readFileSync(`${stem}.rttm`, 'utf8'));
        const speakers = new Set(reference.map((turn) => turn.speaker)).size;
        const samples = await decodeToPcm(`${stem}.wav`, { sampleRate: diarizer.sampleRate });
        const row: string[] = [];
        for (const mode of ['given', 'automatic'] as const) {
          const result = await diarizer.diarize(samples, mode === 'given' ? { numSpeakers: speakers } : {});
          const scored = computeDer(reference, result.turns);
          const t = totals[mode];
          t.reference += scored.referenceSeconds;
          t.miss += scored.miss * scored.referenceSeconds;
          t.falseAlarm += scored.falseAlarm * scored.referenceSeconds;
          t.confusion += scored.confusion * scored.referenceSeconds;
          t.countRight += result.speakerCount === speakers ? 1 : 0;
          t.files++;
          row.push(
            `${mode} ${(scored.der * 100).toFixed(1)} % (${(scored.miss * 100).toFixed(1)}/` +
              `${(scored.falseAlarm * 100).toFixed(1)}/${(scored.confusion * 100).toFixed(1)}, ${result.speakerCount} spk)`,
          );
        }
        if (verbose) {
          console.log(`  ${path.basename(stem)} (${speakers} speakers): ${row.join('; ')}`);
        }
      }
      console.log(line(`set ${set.name}, count given`, totals.given));
      console.log(line(`set ${set.name}, automatic`, totals.automatic));
      for (const mode of ['given', 'automatic'] as const) {
        const t = totals[mode];
        summary[`${set.name} ${mode}`] = {
          der: (t.miss + t.falseAlarm + t.confusion) / t.reference,
          miss: t.miss / t.reference,
          falseAlarm: t.falseAlarm / t.reference,
          confusion: t.confusion / t.reference,
        };
      }
    }
  } finally {
    await diarizer.close();
  }
  // One machine-readable line last, for bench/run-all.ts.
  console.log(JSON.stringify({ bench: 'diarization-der', sets: summary }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
