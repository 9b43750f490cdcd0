import { AudioDecodeError } from './errors';
import { safeInputArgs, summarizeFfmpegError } from './ffmpeg-args';
import { runProcess } from './run-process';

export const WHISPER_SAMPLE_RATE = 16000;

export interface DecodeOptions {
  /** Output rate in Hz; Whisper and the segmentation model both want 16000. */
  sampleRate?: number;
  /** Aborting kills ffmpeg and rejects with the signal's reason. */
  signal?: AbortSignal;
  ffmpegPath?: string;
}

/**
 * Decodes the first audio stream of any accepted container to mono float32 PCM. ffmpeg reads only
 * this file (see safeInputArgs) and never stdin.
 */
export async function decodeToPcm(filePath: string, options: DecodeOptions = {}): Promise<Float32Array> {
  const sampleRate = options.sampleRate ?? WHISPER_SAMPLE_RATE;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) {
    throw new RangeError(`Expected an integer sampleRate between 1000 and 192000 but received ${sampleRate}`);
  }
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    ...safeInputArgs(filePath),
    '-map',
    '0:a:0',
    '-vn',
    '-ac',
    '1',
    '-ar',
    String(sampleRate),
    '-f',
    'f32le',
    'pipe:1',
  ];
  const output = await runProcess(options.ffmpegPath ?? 'ffmpeg', args, options.signal);
  if (output.code !== 0) {
    throw new AudioDecodeError(`cannot decode audio: ${summarizeFfmpegError(output.stderr, filePath)}`);
  }
  // Copy into a fresh, aligned buffer: Buffer.concat may hand back a slice of a shared pool.
  const samples = new Float32Array(Math.floor(output.stdout.byteLength / 4));
  new Uint8Array(samples.buffer).set(output.stdout.subarray(0, samples.byteLength));
  return samples;
}
