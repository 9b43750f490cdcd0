import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { JobsModule } from '../jobs/jobs.module';
import { ResultStoreModule } from '../results/result-store.module';
import { TaskIndexModule } from '../tasks/task-index.module';
import { UploadModule } from '../upload/upload.module';
import { OpenAiController } from './openai.controller';
import { OpenAiTranscriptionService } from './openai-transcription.service';

/** POST /v1/audio/transcriptions (API role): OpenAI SDK clients work by changing the base URL. */
@Module({
  imports: [AuthModule, JobsModule, UploadModule, ResultStoreModule, TaskIndexModule],
  controllers: [OpenAiController],
  providers: [OpenAiTranscriptionService],
})
export class OpenAiModule {}
