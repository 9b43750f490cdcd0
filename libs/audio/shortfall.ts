import { ffmpegMessages } from './ffmpeg-args';

/**
 * How much shorter than declared a decode may be and still count as whole: encoders pad and trim
 * (the shared fixture's twelve containers decode within 0.12 s of their headers), and some headers
 * estimate the duration from the bitrate.
 */
const TOLERANCE_SECONDS = 0.5;
const TOLERANCE_RATIO = 0.01;

const MAX_CAUSE_CHARS = 200;

export interface DecodeLength {
  decodedSeconds: number;
  /** What the container declares; null when it declares nothing (nothing to compare with). */
  declaredSeconds: number | null;
  /** ffmpeg's stderr of the decode: its first complaint is the likely cause. */
  ffmpegStderr: string;
  /** The decoded file, only so that its path is kept out of the warning. */
  filePath: string;
}

/**
 * A warning when the audio stops well short of what its container declares, else null. ffmpeg
 * decodes a cut or damaged file up to the damage (`invalid residual` in a truncated FLAC) and exits
 * 0, so without this a job would complete on part of the file and tell nobody.
 */
export function shortfallWarning(length: DecodeLength): string | null {
  const { decodedSeconds, declaredSeconds } = length;
  if (declaredSeconds === null) return null;
  const tolerance = Math.max(TOLERANCE_SECONDS, declaredSeconds * TOLERANCE_RATIO);
  if (declaredSeconds - decodedSeconds <= tolerance) return null;
  const cause = ffmpegMessages(length.ffmpegStderr, length.filePath)[0]?.slice(0, MAX_CAUSE_CHARS);
  return (
    `decoded ${decodedSeconds.toFixed(1)} s of the ${declaredSeconds.toFixed(1)} s the file declares: ` +
    `the rest is missing or damaged${cause ? ` (ffmpeg: ${cause})` : ''}`
  );
}
