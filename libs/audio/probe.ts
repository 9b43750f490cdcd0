import { AudioDecodeError } from './errors';
import { safeInputArgs, summarizeFfmpegError } from './ffmpeg-args';
import { runProcess } from './run-process';

export interface MediaInfo {
  /** From the container's header: a hint, which a hostile or broken file can get wrong. */
  durationSeconds: number | null;
  hasAudio: boolean;
  /** Channels of the first audio stream (what decoding reads); null when there is none or ffprobe can't tell. */
  channels: number | null;
  formatName: string;
}

interface FfprobeJson {
  format?: { duration?: string; format_name?: string };
  streams?: { codec_type?: string; channels?: number }[];
}

/** Reads container facts with ffprobe under the same input restrictions as decoding. */
export async function probeMedia(
  filePath: string,
  options: { signal?: AbortSignal; ffprobePath?: string } = {},
): Promise<MediaInfo> {
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-show_entries',
    'format=duration,format_name:stream=codec_type,channels',
    '-of',
    'json',
    ...safeInputArgs(filePath),
  ];
  const output = await runProcess(options.ffprobePath ?? 'ffprobe', args, options.signal);
  if (output.code !== 0) {
    throw new AudioDecodeError(`cannot read media: ${summarizeFfmpegError(output.stderr, filePath)}`);
  }
  const parsed = JSON.parse(output.stdout.toString('utf8')) as FfprobeJson;
  const duration = Number(parsed.format?.duration);
  const audio = (parsed.streams ?? []).find((stream) => stream.codec_type === 'audio');
  const channels = Number(audio?.channels);
  return {
    durationSeconds: Number.isFinite(duration) ? duration : null,
    hasAudio: audio !== undefined,
    channels: Number.isInteger(channels) && channels > 0 ? channels : null,
    formatName: parsed.format?.format_name ?? 'unknown',
  };
}
