/** The input decoded to no audio samples at all. */
export class EmptyAudioError extends Error {
  override readonly name = 'EmptyAudioError';
  override readonly message = 'cannot decode audio: the audio stream holds no samples';
}

/** Speaker turns were asked for where no diarization engine is installed. */
export class DiarizationUnavailableError extends Error {
  override readonly name = 'DiarizationUnavailableError';
  override readonly message =
    'speaker diarization is not available on this server (no segmentation model installed)';
}
