import { AudioDecodeError } from './errors';
import { pcmDecodeArgs, summarizeFfmpegError } from './ffmpeg-args';
import { Float32Collector } from './float32-collector';
import { probeMedia } from './probe';
import { releasableSamples } from './releasable-samples';
import { streamProcess } from './run-process';
import { shortfallWarning } from './shortfall';

export const WHISPER_SAMPLE_RATE = 16000;

/** Margin over the container's duration: lossy codecs pad, and headers round or estimate. */
const ESTIMATE_HEADROOM = 1.01;
const ESTIMATE_HEADROOM_SECONDS = 1;

/** Upper bound on what a header alone can make us allocate up front (1 GiB); past it, overflow. */
const MAX_PREALLOCATED_SAMPLES = 2 ** 28;

/** Starting size when the duration is unknown: one minute at the output rate. */
const UNKNOWN_DURATION_SECONDS = 60;

export interface DecodeOptions {
  /** Output rate in Hz; Whisper and the segmentation model both want 16000. */
  sampleRate?: number;
  /** Aborting kills ffmpeg (or ffprobe) and rejects with the signal's reason. */
  signal?: AbortSignal;
  ffmpegPath?: string;
  /** Used to read the duration when expectedSeconds is left out. */
  ffprobePath?: string;
  /**
   * The input's duration if the caller knows it (probeMedia's durationSeconds): the output array
   * is sized from it up front, so the audio is held once. Left out, decodeToPcm asks ffprobe; null
   * skips that. A missing or wrong value never loses samples, it only costs one copy at the end
   * (up to twice the audio held for a moment).
   */
  expectedSeconds?: number | null;
  /** Samples whose memory the caller can free at once (releasableSamples); plain ones otherwise. */
  releasable?: boolean;
}

/** A decode, and what the reader of anything made from it should know. */
export interface DecodedAudio {
  /** Mono float32 PCM at the asked rate. */
  samples: Float32Array;
  /** The container's duration (or the caller's expectedSeconds); null when unknown. */
  declaredSeconds: number | null;
  /**
   * One line each, never a server path; [] when the decode is whole. Today: the audio stopped well
   * short of what the container declares (a cut or damaged file, which ffmpeg decodes up to the
   * damage and ends without an error).
   */
  warnings: string[];
}

/**
 * Decodes the first audio stream of any accepted container to mono float32 PCM. ffmpeg reads only
 * this file (see safeInputArgs) and never stdin. Its output is written straight into the returned
 * array, so a long recording is held about once rather than as chunks, a joined copy and a result.
 */
export async function decodeToPcm(filePath: string, options: DecodeOptions = {}): Promise<Float32Array> {
  return (await decodeAudio(filePath, options)).samples;
}

/** decodeToPcm, telling also how the decoded length compares with what the container declares. */
export async function decodeAudio(filePath: string, options: DecodeOptions = {}): Promise<DecodedAudio> {
  const sampleRate = options.sampleRate ?? WHISPER_SAMPLE_RATE;
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192000) {
    throw new RangeError(`Expected an integer sampleRate between 1000 and 192000 but received ${sampleRate}`);
  }
  const expectedSeconds =
    options.expectedSeconds === undefined
      ? await probeSeconds(filePath, options.ffprobePath, options.signal)
      : options.expectedSeconds;
  const collector = new Float32Collector(
    initialCapacity(expectedSeconds, sampleRate),
    undefined,
    options.releasable ? releasableSamples : undefined,
  );
  const exit = await streamProcess(
    options.ffmpegPath ?? 'ffmpeg',
    pcmDecodeArgs(filePath, sampleRate, 'mono'),
    {
      onStdout: (chunk) => collector.append(chunk),
      signal: options.signal,
    },
  );
  if (exit.code !== 0) {
    throw new AudioDecodeError(`cannot decode audio: ${summarizeFfmpegError(exit.stderr, filePath)}`);
  }
  const samples = collector.finish();
  const declaredSeconds = validSeconds(expectedSeconds);
  const warning = shortfallWarning({
    decodedSeconds: samples.length / sampleRate,
    declaredSeconds,
    ffmpegStderr: exit.stderr,
    filePath,
  });
  return { samples, declaredSeconds, warnings: warning === null ? [] : [warning] };
}

function validSeconds(seconds: number | null): number | null {
  return seconds !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** The container's duration, or null when ffprobe can't tell. */
async function probeSeconds(
  filePath: string,
  ffprobePath: string | undefined,
  signal: AbortSignal | undefined,
): Promise<number | null> {
  try {
    return (await probeMedia(filePath, { signal, ffprobePath })).durationSeconds;
  } catch {
    // Only a sizing hint: whatever went wrong, ffmpeg's own run decides and reports.
    signal?.throwIfAborted();
    return null;
  }
}

function initialCapacity(expectedSeconds: number | null, sampleRate: number): number {
  if (expectedSeconds === null || !Number.isFinite(expectedSeconds) || expectedSeconds < 0) {
    return UNKNOWN_DURATION_SECONDS * sampleRate;
  }
  const estimate = (expectedSeconds * ESTIMATE_HEADROOM + ESTIMATE_HEADROOM_SECONDS) * sampleRate;
  return Math.min(MAX_PREALLOCATED_SAMPLES, Math.ceil(estimate));
}
