import { type DynamicModule, Module } from '@nestjs/common';
import { AudioModule } from '../audio/audio.module';
import { AuthModule } from '../auth/auth.module';
import { DiarizationModule } from '../diarization/diarization.module';
import { JobsModule } from '../jobs/jobs.module';
import { ResultStoreModule } from '../results/result-store.module';
import { SpeechModule } from '../speech/speech.module';
import { TaskIndexModule } from '../tasks/task-index.module';
import { UploadModule } from '../upload/upload.module';
import { DiarizeController } from './diarize.controller';
import { TranscriptionController } from './transcription.controller';
import { TranscriptionPipeline } from './transcription.pipeline';
import { TranscriptionProcessor } from './transcription.processor';
import { TranscriptionService } from './transcription.service';
import { UploadJanitor } from './upload-janitor';

/**
 * POST /transcribe (API role) and the Bull worker with its models (worker role); a process with
 * both roles gets both.
 */
@Module({})
export class TranscriptionModule {
  static register(roles: { api: boolean; worker: boolean }): DynamicModule {
    return {
      module: TranscriptionModule,
      imports: [
        JobsModule,
        UploadModule,
        ResultStoreModule,
        TaskIndexModule,
        ...(roles.api ? [AuthModule] : []),
        ...(roles.worker ? [AudioModule, SpeechModule, DiarizationModule] : []),
      ],
      controllers: roles.api ? [TranscriptionController, DiarizeController] : [],
      providers: [
        ...(roles.api ? [TranscriptionService] : []),
        ...(roles.worker ? [TranscriptionPipeline, TranscriptionProcessor, UploadJanitor] : []),
      ],
    };
  }
}
