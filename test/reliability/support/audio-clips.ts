import { execFileSync } from 'node:child_process';
import { readWavFile, writeWavFile } from '../../../libs/audio';
import { fixtures } from '../../support/shared-files';

export const SPEECH_FIXTURE = fixtures.audio('conv-en-2spk.wav');

/** The first `seconds` of the shared two-speaker conversation, 16 kHz mono. */
export function speechSamples(seconds: number): Float32Array {
  const { samples } = readWavFile(SPEECH_FIXTURE);
  return samples.slice(0, Math.round(seconds * 16000));
}

/** A short speech WAV for jobs that must be quick (a few seconds of whisper.cpp and diarization). */
export function writeSpeechClip(filePath: string, seconds: number): string {
  writeWavFile(filePath, speechSamples(seconds));
  return filePath;
}

/** Runs ffmpeg quietly on generated inputs (it is a dependency of the server anyway). */
export function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-y', '-loglevel', 'error', ...args], { stdio: 'pipe' });
}

/** `seconds` of the conversation played over and over: long work for one job. */
export function loopedSpeech(seconds: number): Float32Array {
  const { samples } = readWavFile(SPEECH_FIXTURE);
  const out = new Float32Array(Math.round(seconds * 16000));
  for (let offset = 0; offset < out.length; offset += samples.length) {
    out.set(samples.subarray(0, Math.min(samples.length, out.length - offset)), offset);
  }
  return out;
}
