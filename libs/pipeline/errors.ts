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

/** Per-channel speakers were asked for on audio with fewer than two channels or too many. */
export class ChannelLayoutError extends Error {
  override readonly name = 'ChannelLayoutError';
}

/** Per-channel speaker turns need a voice activity detector, and none is installed. */
export class SpeechDetectionUnavailableError extends Error {
  override readonly name = 'SpeechDetectionUnavailableError';
  override readonly message =
    'per-channel speaker turns are not available on this server (no VAD model installed)';
}
