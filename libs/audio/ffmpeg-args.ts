import path from 'node:path';

/**
 * Demuxers of the accepted containers (WAV, MP3, FLAC, OGG/Opus, M4A/MP4/MOV, AIFF, WebM/MKV, AVI).
 * Listing them keeps ffmpeg away from the playlist and script demuxers (hls, concat, ...) that
 * would open other files or URLs named inside a hostile upload.
 */
export const SAFE_DEMUXERS = ['wav', 'mp3', 'flac', 'ogg', 'mov', 'aiff', 'matroska', 'avi'] as const;

/**
 * Input options shared by ffmpeg and ffprobe: only the local file protocol, only the safe demuxers,
 * and the path given as an explicit `file:` URL so that no name is read as another protocol
 * (`concat:`, `http:` ...).
 */
export function safeInputArgs(filePath: string): string[] {
  return [
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    SAFE_DEMUXERS.join(','),
    '-i',
    `file:${path.resolve(filePath)}`,
  ];
}

/**
 * ffmpeg's arguments that decode the first audio stream to float32 PCM on stdout at `sampleRate`:
 * downmixed to mono, or (`channels: 'all'`) the stream's own channels interleaved in its order (no
 * `-ac`: swresample cannot remix to a count without a standard layout, such as 9; a stream whose layout
 * changes midway is resampled to its first).
 */
export function pcmDecodeArgs(filePath: string, sampleRate: number, channels: 'mono' | 'all'): string[] {
  return [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    ...safeInputArgs(filePath),
    '-map',
    '0:a:0',
    '-vn',
    ...(channels === 'mono' ? ['-ac', '1'] : []),
    '-ar',
    String(sampleRate),
    '-f',
    'f32le',
    'pipe:1',
  ];
}

/** Lines ffmpeg prints after the real cause, which add nothing to it. */
const FOLLOW_ON_ERRORS =
  /^(Conversion failed!|Exiting normally|Error marking filters as finished|Error while filtering|Nothing was written into output file|Error opening output files?)/i;

/**
 * Turns ffmpeg's stderr into one line a person can read: the last meaningful message, without
 * the file path (which means nothing to an API client) or ffmpeg's internal context prefixes.
 */
export function summarizeFfmpegError(stderr: string, filePath: string): string {
  const lines = ffmpegMessages(stderr, filePath);
  if (lines.some((line) => /matches no streams/i.test(line))) return 'the file holds no audio stream';
  if (lines.some((line) => /Format not on whitelist/i.test(line))) {
    return 'the file is not one of the accepted audio/video containers';
  }
  if (lines.some((line) => /Invalid data found when processing input/i.test(line))) {
    return 'the content is not valid audio or video (invalid data)';
  }
  // The first message is the cause; later ones are consequences of it.
  return lines[0]?.slice(0, 300) ?? 'ffmpeg could not decode the file';
}

/**
 * ffmpeg's stderr as the messages a person can read, first (the cause) to last: without the file
 * path, ffmpeg's internal context prefixes (`[flac @ 0x...]`) or the follow-on lines.
 */
export function ffmpegMessages(stderr: string, filePath: string): string[] {
  const absolute = path.resolve(filePath);
  return stderr
    .split(/\r?\n/)
    .map((line) =>
      line
        .replaceAll(`file:${absolute}`, 'input')
        .replaceAll(absolute, 'input')
        .replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/i, '')
        .trim(),
    )
    .filter((line) => line.length > 0 && !FOLLOW_ON_ERRORS.test(line));
}
