/** The file could not be decoded to audio: no audio stream, unsupported or corrupt content. */
export class AudioDecodeError extends Error {
  override readonly name = 'AudioDecodeError';
}

/** ffmpeg/ffprobe could not be started at all (not installed, not on PATH). */
export class FfmpegNotFoundError extends Error {
  override readonly name = 'FfmpegNotFoundError';
}
