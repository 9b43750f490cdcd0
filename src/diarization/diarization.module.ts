import { Module } from '@nestjs/common';
import { DiarizationEngine } from './diarization-engine';
import { PyannoteDiarizationEngine } from './pyannote-diarization.engine';

/** Imported by worker processes only. */
@Module({
  providers: [{ provide: DiarizationEngine, useClass: PyannoteDiarizationEngine }],
  exports: [DiarizationEngine],
})
export class DiarizationModule {}
