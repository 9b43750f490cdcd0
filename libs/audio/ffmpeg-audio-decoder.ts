import { decodeAudio, type DecodedAudio, type DecodeOptions } from './decode';
import { decodeChannelsToPcm } from './decode-channels';

/** decodeAudio and decodeChannelsToPcm as the pipeline's AudioDecoder port: ffmpeg behind it. */
export const ffmpegAudioDecoder = {
  decode: (filePath: string, options: DecodeOptions): Promise<DecodedAudio> => decodeAudio(filePath, options),
  decodeChannels: (
    filePath: string,
    options: DecodeOptions & { maxChannels?: number },
  ): Promise<Float32Array[]> => decodeChannelsToPcm(filePath, options),
};
