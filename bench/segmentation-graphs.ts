/**
 * Which segmentation graph to run: the int8 export, the graph the installer derives from it with the
 * SincNet filterbank in float, or that graph with every other layer dequantized too (made here only). For each, on the parity clips whose audio is on hand, the per-window cell
 * agreement with pyannote's fp32 segmentations (best local-speaker permutation per window), and the speed
 * of segmenting the same audio with one inference thread, as a ratio to the int8 graph in the same run:
 *   npm run -s build && node dist/bench/segmentation-graphs.js [--rounds 3]
 * SEGMENTATION_MODEL_PATH (the int8 file) and SHARED_DIR locate the model and fixtures.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readWavFile } from '../libs/audio';
import { SegmentationModel } from '../libs/diarization/segmentation';
import { deriveFloatSincnetGraph } from '../libs/models/derive-segmentation';
import { dequantizeAllLayers } from './dequantize-segmentation';
import { parityClips, readPyannoteSegmentations, segmentationAgreement } from './segmentation-agreement';

const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(__dirname, '..', '..', '..', 'shared'));
const int8Path =
  process.env.SEGMENTATION_MODEL_PATH ??
  path.join(sharedDir, 'models', 'segmentation', 'pyannote-segmentation-3.0.int8.onnx');

interface Graph {
  name: string;
  file: string;
}

async function main(): Promise<void> {
  const clips = parityClips(sharedDir);
  const missing = [int8Path, ...clips.flatMap((clip) => [clip.audio, clip.intermediates])].find(
    (file) => !existsSync(file),
  );
  if (missing) {
    console.log(`skipped: ${missing} is missing (set SHARED_DIR or SEGMENTATION_MODEL_PATH)`);
    return;
  }
  const roundsIndex = process.argv.indexOf('--rounds');
  const rounds = roundsIndex > 0 ? Number(process.argv[roundsIndex + 1]) : 3;
  const work = mkdtempSync(path.join(os.tmpdir(), 'segmentation-graphs-'));
  try {
    const source = readFileSync(int8Path);
    const derivedFile = path.join(work, 'float-sincnet.onnx');
    const sourceSha256 = createHash('sha256').update(source).digest('hex');
    const derived = deriveFloatSincnetGraph(source, { sourceSha256, label: int8Path });
    writeFileSync(derivedFile, derived);
    const allFloatFile = path.join(work, 'all-float.onnx');
    writeFileSync(allFloatFile, dequantizeAllLayers(derived));
    const graphs: Graph[] = [
      { name: 'int8', file: int8Path },
      { name: 'int8 + float SincNet', file: derivedFile },
      { name: 'all layers dequantized', file: allFloatFile },
    ];
    const audio = clips.map((clip) => readWavFile(clip.audio).samples);
    const references = clips.map((clip) => readPyannoteSegmentations(clip.intermediates));

    console.log('cell agreement with pyannote fp32 (missed / extra, of pyannote active cells)');
    console.log(`graph                  ${clips.map((clip) => clip.name.padEnd(28)).join('')}`);
    const models = await Promise.all(
      graphs.map((graph) => SegmentationModel.load(graph.file, { threads: 1 })),
    );
    try {
      for (const [g, model] of models.entries()) {
        const cells: string[] = [];
        for (const [i, samples] of audio.entries()) {
          const stepSamples = references[i].chunkStep * model.info.sampleRate;
          const ours = await model.segment(samples, { stepSamples, batchSize: 1 });
          const a = segmentationAgreement(ours, references[i]);
          cells.push(
            `${pct(a.cellAgreement)} (${pct(a.missedFraction)} / ${pct(a.extraFraction)})`.padEnd(28),
          );
        }
        console.log(`${graphs[g].name.padEnd(23)}${cells.join('')}`);
      }

      // Speed: the graphs take turns on the same audio, in alternating order, so that machine noise and
      // warm-up fall on all of them alike.
      const seconds = graphs.map(() => 0);
      for (let round = 0; round < rounds; round++) {
        const order = [...models.keys()];
        if (round % 2 === 1) order.reverse();
        for (const g of order) {
          const model = models[g];
          const started = process.hrtime.bigint();
          for (const samples of audio) await model.segment(samples, { stepSamples: 16000, batchSize: 1 });
          seconds[g] += Number(process.hrtime.bigint() - started) / 1e9;
        }
      }
      const audioSeconds = (rounds * audio.reduce((sum, samples) => sum + samples.length, 0)) / 16000;
      console.log(
        `\nspeed, 1 inference thread, ${rounds} rounds over ${audioSeconds.toFixed(0)} s of audio:`,
      );
      for (const [g, graph] of graphs.entries()) {
        console.log(
          `${graph.name.padEnd(23)}${(seconds[g] / rounds).toFixed(2)} s per round, ` +
            `time ratio to int8 ${(seconds[g] / seconds[0]).toFixed(3)}`,
        );
      }
    } finally {
      await Promise.all(models.map((model) => model.release()));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function pct(value: number): string {
  return `${(100 * value).toFixed(2)} %`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
