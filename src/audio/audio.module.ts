import { Module } from '@nestjs/common';
import { AudioDecoder, FfmpegAudioDecoder } from './audio-decoder';

/** Imported by worker processes only. */
@Module({
  providers: [{ provide: AudioDecoder, useClass: FfmpegAudioDecoder }],
  exports: [AudioDecoder],
})
export class AudioModule {}
