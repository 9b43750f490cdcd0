/**
 * Real-time factor and peak memory of diarization (segmentation + embedding-free linking) on a
 * long file built in memory by looping the shared fixtures (default one hour):
 *   npm run -s build:test && node dist/bench/diarization-rtf.js [seconds]
 * SEGMENTATION_MODEL_PATH / SHARED_DIR locate the model and fixtures; DIARIZATION_THREADS sets threads.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readWavFile } from '../libs/audio';
import { Diarizer } from '../libs/diarization';

const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(__dirname, '..', '..', '..', 'shared'));
const modelPath =
  process.env.SEGMENTATION_MODEL_PATH ??
  path.join(sharedDir, 'models', 'segmentation', 'pyannote-segmentation-3.0.int8.onnx');
const sources = [
  'audio/conv-ko-2spk.wav',
  'audio/conv-en-2spk.wav',
  'audio/conv-en-3spk-overlap.wav',
  'real/pyannote-sample.wav',
  'real/ami-dev00.wav',
].map((name) => path.join(sharedDir, 'fixtures', name));

function buildAudio(seconds: number): Float32Array {
  const clips = sources.map((file) => readWavFile(file).samples);
  const total = Math.round(seconds * 16000);
  const out = new Float32Array(total);
  const gap = 8000;
  let offset = 0;
  for (let i = 0; offset < total; i++) {
    const clip = clips[i % clips.length];
    out.set(clip.subarray(0, Math.min(clip.length, total - offset)), offset);
    offset += clip.length + gap;
  }
  return out;
}

async function main(): Promise<void> {
  const missing = [modelPath, ...sources].find((file) => !existsSync(file));
  if (missing) {
    console.log(`skipped: ${missing} is missing (set SHARED_DIR or SEGMENTATION_MODEL_PATH)`);
    return;
  }
  const seconds = Number(process.argv[2] ?? process.env.DIARIZATION_BENCH_SECONDS ?? 3600);
  const threads = Number(process.env.DIARIZATION_THREADS ?? os.availableParallelism());
  const audio = buildAudio(seconds);
  const diarizer = await Diarizer.create({ segmentationModelPath: modelPath, threads });
  try {
    const started = process.hrtime.bigint();
    const result = await diarizer.diarize(audio);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const peakMb = process.resourceUsage().maxRSS / 1024;
    console.log(
      `diarization (no embedding model, ${threads} threads, step 0.1): ${seconds.toFixed(0)} s of audio in ${elapsed.toFixed(1)} s` +
        ` -> RTF ${(elapsed / seconds).toFixed(4)}; ${result.speakerCount} speakers, ${result.turns.length} turns;` +
        ` peak RSS ${peakMb.toFixed(0)} MB (audio buffer alone ${((audio.length * 4) / 2 ** 20).toFixed(0)} MB)`,
    );
    // One machine-readable line last, for bench/run-all.ts.
    const rtf = elapsed / seconds;
    console.log(
      JSON.stringify({
        bench: 'diarization-rtf',
        seconds,
        threads,
        elapsedSeconds: elapsed,
        rtf,
        peakRssMb: peakMb,
        speakers: result.speakerCount,
        target: 0.02,
        memoryTargetMb: 500,
        pass: rtf <= 0.02 && peakMb <= 500,
      }),
    );
  } finally {
    await diarizer.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
