import { Injectable } from '@nestjs/common';
import { type DecodedAudio, ffmpegAudioDecoder } from '../../libs/audio';
import type { AudioDecoder as AudioDecoderPort, DecodeRequest } from '../../libs/pipeline';

/** The pipeline's AudioDecoder port as a Nest token; tests may provide another implementation. */
export abstract class AudioDecoder implements AudioDecoderPort {
  abstract decode(filePath: string, request: DecodeRequest): Promise<DecodedAudio>;
  decodeChannels?(
    filePath: string,
    request: DecodeRequest & { maxChannels?: number },
  ): Promise<Float32Array[]>;
}

/** ffmpeg through libs/audio. */
@Injectable()
export class FfmpegAudioDecoder extends AudioDecoder {
  decode(filePath: string, request: DecodeRequest): Promise<DecodedAudio> {
    return ffmpegAudioDecoder.decode(filePath, request);
  }

  override decodeChannels(
    filePath: string,
    request: DecodeRequest & { maxChannels?: number },
  ): Promise<Float32Array[]> {
    return ffmpegAudioDecoder.decodeChannels(filePath, request);
  }
}
