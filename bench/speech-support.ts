import { existsSync } from 'node:fs';
import path from 'node:path';
import { readWavFile } from '../libs/audio';

/** What the speech benchmarks share: where the models and recordings are, and test audio. */
export const repoRoot = path.resolve(__dirname, '..', '..');
export const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(repoRoot, '..', 'shared'));

export const benchModels = {
  whisper:
    process.env.BENCH_WHISPER_MODEL ?? path.join(sharedDir, 'models', 'whisper', 'for-tests-ggml-tiny.bin'),
  vad: process.env.BENCH_VAD_MODEL ?? path.join(sharedDir, 'models', 'vad', 'ggml-silero-v6.2.0.bin'),
};

const SPEECH_FILES = [
  'fixtures/audio/conv-en-2spk.wav',
  'fixtures/audio/conv-ko-2spk.wav',
  'fixtures/audio/conv-en-3spk-overlap.wav',
  'fixtures/real/jfk.wav',
  'fixtures/real/librispeech-1995-1837-0001.wav',
  'fixtures/real/pyannote-sample.wav',
];

export function requireFiles(...files: string[]): void {
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    console.error(`missing ${missing.join(', ')} (set SHARED_DIR or BENCH_WHISPER_MODEL / BENCH_VAD_MODEL)`);
    process.exit(2);
  }
}

/** `seconds` of real speech: the shared recordings (16 kHz) one after another, repeated. */
export function speechAudio(seconds: number): Float32Array {
  const sources = SPEECH_FILES.map((file) => path.join(sharedDir, file)).filter((file) => existsSync(file));
  if (sources.length === 0) throw new Error(`no speech recordings under ${sharedDir}/fixtures`);
  const clips = sources.map((file) => readWavFile(file)).filter((clip) => clip.sampleRate === 16000);
  const out = new Float32Array(Math.round(seconds * 16000));
  for (let offset = 0, i = 0; offset < out.length; i++) {
    const clip = clips[i % clips.length].samples.subarray(0, out.length - offset);
    out.set(clip, offset);
    offset += clip.length;
  }
  return out;
}

/** Speech and silence alternating in `block`-second stretches: half of the file is silent. */
export function halfSilentAudio(seconds: number, block = 30): Float32Array {
  const speech = speechAudio(seconds / 2);
  const out = new Float32Array(Math.round(seconds * 16000));
  const blockSamples = block * 16000;
  for (let from = 0, to = 0; from < speech.length; from += blockSamples, to += 2 * blockSamples) {
    out.set(speech.subarray(from, Math.min(from + blockSamples, speech.length)), to);
  }
  // Room noise rather than digital zeros, at about -70 dBFS.
  for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = (Math.random() - 0.5) * 6e-4;
  return out;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}
