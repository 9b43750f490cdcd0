/**
 * The contract's twelve formats, recognised from the content's magic bytes (file-type's `ext`),
 * never from the file name or the client's Content-Type. A few detections are the same container
 * under another name (oga is Ogg audio, m4b/m4v are MP4 variants).
 */
export const ACCEPTED_FORMATS = [
  { name: 'WAV', detected: ['wav'] },
  { name: 'MP3', detected: ['mp3'] },
  { name: 'FLAC', detected: ['flac'] },
  { name: 'OGG', detected: ['ogg', 'oga'] },
  { name: 'M4A', detected: ['m4a', 'm4b'] },
  { name: 'AIFF', detected: ['aif', 'aiff'] },
  { name: 'OPUS', detected: ['opus'] },
  { name: 'WebM', detected: ['webm'] },
  { name: 'MP4', detected: ['mp4', 'm4v'] },
  { name: 'AVI', detected: ['avi'] },
  { name: 'MOV', detected: ['mov', 'qt'] },
  { name: 'MKV', detected: ['mkv', 'mka'] },
] as const;

export const ACCEPTED_FORMAT_NAMES: readonly string[] = ACCEPTED_FORMATS.map((format) => format.name);

/** The accepted format a detected extension belongs to, or null. */
export function acceptedFormatOf(detectedExt: string): string | null {
  const format = ACCEPTED_FORMATS.find((candidate) =>
    (candidate.detected as readonly string[]).includes(detectedExt),
  );
  return format?.name ?? null;
}
