import { decodeToPcm, type DecodeOptions } from './decode';
import { decodeChannelsToPcm } from './decode-channels';

/** decodeToPcm and decodeChannelsToPcm as the pipeline's AudioDecoder port: ffmpeg behind it. */
export const ffmpegAudioDecoder = {
  decode: (filePath: string, options: DecodeOptions): Promise<Float32Array> => decodeToPcm(filePath, options),
  decodeChannels: (
    filePath: string,
    options: DecodeOptions & { maxChannels?: number },
  ): Promise<Float32Array[]> => decodeChannelsToPcm(filePath, options),
};
