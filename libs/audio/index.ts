export { decodeToPcm, ffmpegAudioDecoder, WHISPER_SAMPLE_RATE } from './decode';
export type { DecodeOptions } from './decode';
export { probeMedia } from './probe';
export type { MediaInfo } from './probe';
export { AudioDecodeError, FfmpegNotFoundError } from './errors';
export { SAFE_DEMUXERS } from './ffmpeg-args';
export { encodeWav, readWavFile, writeWavFile } from './wav';
export { isReleasable, releasableSamples, releaseSamples } from './releasable-samples';
