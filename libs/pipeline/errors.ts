/** The input decoded to no audio samples at all. */
export class EmptyAudioError extends Error {
  override readonly name = 'EmptyAudioError';

  constructor() {
    super('cannot decode audio: the audio stream holds no samples');
  }
}

/** Speaker turns were asked for where no diarization engine is installed. */
export class DiarizationUnavailableError extends Error {
  override readonly name = 'DiarizationUnavailableError';

  constructor() {
    super('speaker diarization is not available on this server (no segmentation model installed)');
  }
}
