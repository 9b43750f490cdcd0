import path from 'node:path';
import { readWavFile } from '../libs/audio';

/** The shared recordings that benches loop into long files (synthetic conversations and real ones). */
export function longAudioSources(sharedDir: string): string[] {
  return [
    'audio/conv-ko-2spk.wav',
    'audio/conv-en-2spk.wav',
    'audio/conv-en-3spk-overlap.wav',
    'real/pyannote-sample.wav',
    'real/ami-dev00.wav',
  ].map((name) => path.join(sharedDir, 'fixtures', name));
}

/** `seconds` of 16 kHz audio: the sources one after another, 0.5 s of silence between them, looped. */
export function buildLongAudio(sources: readonly string[], seconds: number): Float32Array {
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
