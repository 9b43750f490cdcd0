export { decodeAudio, decodeToPcm, WHISPER_SAMPLE_RATE } from './decode';
export type { DecodedAudio, DecodeOptions } from './decode';
export { ffmpegAudioDecoder } from './ffmpeg-audio-decoder';
export { decodeChannelsToPcm } from './decode-channels';
export { probeMedia } from './probe';
export type { MediaInfo } from './probe';
export { AudioDecodeError, FfmpegNotFoundError } from './errors';
export { SAFE_DEMUXERS } from './ffmpeg-args';
export { encodeWav, readWavFile, writeWavFile } from './wav';
