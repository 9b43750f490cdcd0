/** A transcript that cannot be written as subtitles (non-finite times, a non-integer speaker). */
export class TranscriptFormatError extends Error {
  override readonly name = 'TranscriptFormatError';
}
