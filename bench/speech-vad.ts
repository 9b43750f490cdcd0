/**
 * VAD on a file that is half silence (30 s of speech, 30 s of room noise, alternating): time with
 * Silero VAD (detection included) / time without. Target <= 0.6.
 *   node dist/bench/speech-vad.js [--minutes 10] [--threads N] [--runs 1]
 */
import os from 'node:os';
import path from 'node:path';
import { WhisperModel } from '../libs/speech';
import { argument, benchModels, halfSilentAudio, requireFiles, timed } from './speech-support';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const minutes = argument('minutes', 10);
  const threads = argument('threads', Math.min(4, os.availableParallelism()));
  const runs = argument('runs', 1);
  requireFiles(benchModels.whisper, benchModels.vad);

  const samples = halfSilentAudio(minutes * 60);
  const model = await WhisperModel.load({ modelPath: benchModels.whisper });
  const withVad: number[] = [];
  const without: number[] = [];
  let speechSeconds = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const plain = await timed(() => model.transcribe(samples, { language: 'en', threads }));
      const vad = await timed(() =>
        model.transcribe(samples, { language: 'en', threads, vad: { modelPath: benchModels.vad } }),
      );
      without.push(plain.seconds);
      withVad.push(vad.seconds);
      speechSeconds = vad.value.speechRegions.reduce((sum, r) => sum + r.end - r.start, 0);
      console.log(
        `run ${run + 1}: without VAD ${plain.seconds.toFixed(2)} s, with VAD ${vad.seconds.toFixed(2)} s`,
      );
    }
  } finally {
    await model.close();
  }
  const ratio = median(withVad) / median(without);
  console.log(
    `audio ${minutes} min (half silence), model ${path.basename(benchModels.whisper)}, ${threads} threads`,
  );
  console.log(`VAD kept ${speechSeconds.toFixed(1)} s of ${minutes * 60} s as speech`);
  console.log(`ratio with VAD / without: ${ratio.toFixed(3)} (target <= 0.6)`);
  console.log(
    JSON.stringify({
      bench: 'speech-vad',
      minutes,
      threads,
      runs,
      withVadSeconds: median(withVad),
      withoutVadSeconds: median(without),
      speechSeconds,
      ratio,
      target: 0.6,
      pass: ratio <= 0.6,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
