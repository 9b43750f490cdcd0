import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { JobsModule } from '../jobs/jobs.module';
import { TaskIndexModule } from '../tasks/task-index.module';
import { UploadModule } from '../upload/upload.module';
import { ResultStoreModule } from './result-store.module';
import { ResultsController } from './results.controller';
import { ResultsService } from './results.service';

/** GET /result/{task_id} and DELETE /result/{task_id} (API role). */
@Module({
  imports: [AuthModule, JobsModule, ResultStoreModule, TaskIndexModule, UploadModule],
  controllers: [ResultsController],
  providers: [ResultsService],
})
export class ResultsModule {}
