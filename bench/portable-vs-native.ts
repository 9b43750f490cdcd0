/**
 * Speed of the portable addon (build-native --portable: x86-64-v3, what the images ship) against one built
 * for this machine (GGML_NATIVE, -march=native), on the same audio and model, each run in its own process
 * so that each loads its own addon; the rounds alternate. Prints the median times and the ratio
 * (native time / portable time: 1.0 = as fast; the target is >= 0.9).
 *   npm run build:native -- --portable                      -> native/build (as setup.sh does)
 *   npm run build:native -- --out native/build-native       -> the native variant
 *   node dist/bench/portable-vs-native.js [--seconds 30] [--rounds 3] [--threads 2]
 * PORTABLE_ADDON / NATIVE_ADDON override the two paths; BENCH_WHISPER_MODEL the model (default: the
 * shared dummy base model, which runs base's full compute).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { argument, repoRoot, requireFiles, sharedDir, speechAudio } from './speech-support';

const ADDONS = {
  portable:
    process.env.PORTABLE_ADDON ?? path.join(repoRoot, 'native', 'build', 'Release', 'whisper_addon.node'),
  native:
    process.env.NATIVE_ADDON ??
    path.join(repoRoot, 'native', 'build-native', 'Release', 'whisper_addon.node'),
};
const MODEL =
  process.env.BENCH_WHISPER_MODEL ?? path.join(sharedDir, 'models', 'whisper', 'for-tests-ggml-base.bin');

/** One transcription in this process, with the addon SPEECH_ADDON_PATH names; prints seconds as JSON. */
async function child(seconds: number, threads: number): Promise<void> {
  const { WhisperModel, speechRuntimeInfo } = await import('../libs/speech');
  const model = await WhisperModel.load({ modelPath: MODEL, useGpu: false });
  const audio = speechAudio(seconds);
  const started = process.hrtime.bigint();
  await model.transcribe(audio, { threads, language: 'en' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  await model.close();
  console.log(JSON.stringify({ seconds: elapsed, system: speechRuntimeInfo().systemInfo }));
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function main(): void {
  const seconds = argument('seconds', 30);
  const rounds = argument('rounds', 3);
  const threads = argument('threads', 2);
  // The native variant: npm run build:native -- --out native/build-native
  requireFiles(MODEL, ADDONS.portable, ADDONS.native);
  const times: Record<keyof typeof ADDONS, number[]> = { portable: [], native: [] };
  const systems: Partial<Record<keyof typeof ADDONS, string>> = {};
  for (let round = 0; round < rounds; round++) {
    // Alternating order, so that neither variant always runs on a warmer machine.
    const order = (
      round % 2 === 0 ? ['native', 'portable'] : ['portable', 'native']
    ) as (keyof typeof ADDONS)[];
    for (const variant of order) {
      const output = execFileSync(
        process.execPath,
        [__filename, '--child', '--seconds', String(seconds), '--threads', String(threads)],
        { env: { ...process.env, SPEECH_ADDON_PATH: ADDONS[variant] }, encoding: 'utf8' },
      );
      const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as {
        seconds: number;
        system: string;
      };
      times[variant].push(result.seconds);
      systems[variant] = result.system;
      console.error(`round ${round + 1} ${variant}: ${result.seconds.toFixed(2)} s`);
    }
  }
  const portable = median(times.portable);
  const native = median(times.native);
  const best = { portable: Math.min(...times.portable), native: Math.min(...times.native) };
  console.log(`model ${path.basename(MODEL)}, ${seconds} s of speech, ${threads} threads, ${rounds} rounds`);
  console.log(`native   median ${native.toFixed(2)} s, best ${best.native.toFixed(2)} s  ${systems.native}`);
  console.log(
    `portable median ${portable.toFixed(2)} s, best ${best.portable.toFixed(2)} s  ${systems.portable}`,
  );
  // On a shared machine the best run is the least disturbed one; both ratios are printed.
  console.log(
    `portable speed / native speed: ${(native / portable).toFixed(3)} (medians), ` +
      `${(best.native / best.portable).toFixed(3)} (best runs); target >= 0.9`,
  );
}

if (process.argv.includes('--child')) void child(argument('seconds', 30), argument('threads', 2));
else main();
