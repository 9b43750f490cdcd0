import { Module } from '@nestjs/common';
import { SpeechEngine } from './speech-engine';
import { WhisperSpeechEngine } from './whisper-speech.engine';

/** Imported by worker processes only. */
@Module({
  providers: [{ provide: SpeechEngine, useClass: WhisperSpeechEngine }],
  exports: [SpeechEngine],
})
export class SpeechModule {}
