/**
 * Real-time factor, peak memory and event-loop blocking of diarization (segmentation + embedding-free
 * linking) on a long file built in memory by looping the shared fixtures (default one hour):
 *   npm run -s build:test && node dist/bench/diarization-rtf.js [seconds] [--step 0.1] [--threads N] [--no-reference]
 * Then, as a same-process reference, the first 10 minutes with N threads and with one thread: their
 * ratio is the speed-up of the inference threads, which machine noise moves less than the RTF itself.
 * The segmentation model is the one the server would use (see installedSegmentationModel in test/support/shared-files.ts); SHARED_DIR locates
 * the fixtures.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Diarizer } from '../libs/diarization';
import { installedSegmentationModel } from '../test/support/shared-files';
import { buildLongAudio, longAudioSources } from './long-audio';

const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(__dirname, '..', '..', '..', 'shared'));
const modelPath = installedSegmentationModel();
const sources = longAudioSources(sharedDir);
const REFERENCE_SECONDS = 600;
const MB = 2 ** 20;

function option(argv: string[], flag: string): number | undefined {
  const index = argv.indexOf(flag);
  return index >= 0 ? Number(argv[index + 1]) : undefined;
}

/** Diarizes with a fresh Diarizer; also reports the longest time the event loop was held. */
async function timeDiarization(audio: Float32Array, threads: number, stepRatio: number) {
  const diarizer = await Diarizer.create({ segmentationModelPath: modelPath, threads, stepRatio });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  try {
    loop.enable();
    const started = process.hrtime.bigint();
    const result = await diarizer.diarize(audio);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    // The loop must turn once more to record a block that ran up to the promise's resolution.
    await new Promise((resolve) => setTimeout(resolve, 20));
    loop.disable();
    return { elapsed, result, maxLoopDelayMs: loop.max / 1e6 };
  } finally {
    await diarizer.close();
  }
}

async function main(): Promise<void> {
  const missing = [modelPath, ...sources].find((file) => !existsSync(file));
  if (missing) {
    console.log(`skipped: ${missing} is missing (set SHARED_DIR or SEGMENTATION_MODEL_PATH)`);
    return;
  }
  const argv = process.argv.slice(2);
  const seconds = Number(
    argv.find((arg) => /^\d/.test(arg)) ?? process.env.DIARIZATION_BENCH_SECONDS ?? 3600,
  );
  const stepRatio = option(argv, '--step') ?? 0.1;
  const threads = option(argv, '--threads') ?? Math.min(4, os.availableParallelism());
  const audio = buildLongAudio(sources, seconds);
  const baselineMb = process.memoryUsage().rss / MB;

  const run = await timeDiarization(audio, threads, stepRatio);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const rtf = run.elapsed / seconds;
  console.log(
    `diarization (no embedding model, ${threads} inference threads, step ${stepRatio}): ${seconds.toFixed(0)} s of audio` +
      ` in ${run.elapsed.toFixed(1)} s -> RTF ${rtf.toFixed(4)}; ${run.result.speakerCount} speakers,` +
      ` ${run.result.turns.length} turns; peak RSS ${peakMb.toFixed(0)} MB (${baselineMb.toFixed(0)} MB before,` +
      ` ${((audio.length * 4) / MB).toFixed(0)} MB of it the audio); event loop held at most ${run.maxLoopDelayMs.toFixed(0)} ms`,
  );

  let speedup: number | null = null;
  if (!argv.includes('--no-reference') && threads > 1) {
    const head = audio.subarray(0, Math.min(audio.length, REFERENCE_SECONDS * 16000));
    const parallel = await timeDiarization(head, threads, stepRatio);
    const single = await timeDiarization(head, 1, stepRatio);
    speedup = single.elapsed / parallel.elapsed;
    console.log(
      `reference, first ${(head.length / 16000).toFixed(0)} s: ${threads} threads ${parallel.elapsed.toFixed(1)} s,` +
        ` 1 thread ${single.elapsed.toFixed(1)} s -> speed-up ${speedup.toFixed(2)}x`,
    );
  }
  // One machine-readable line last, for bench/run-all.ts.
  console.log(
    JSON.stringify({
      bench: 'diarization-rtf',
      seconds,
      stepRatio,
      threads,
      elapsedSeconds: run.elapsed,
      rtf,
      peakRssMb: peakMb,
      rssBeforeMb: baselineMb,
      maxEventLoopDelayMs: run.maxLoopDelayMs,
      speedupOverOneThread: speedup,
      speakers: run.result.speakerCount,
      target: 0.02,
      memoryTargetMb: 500,
      pass: rtf <= 0.02 && peakMb <= 500,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
