import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { JobsModule } from '../jobs/jobs.module';
import { TaskIndexModule } from '../tasks/task-index.module';
import { UploadModule } from '../upload/upload.module';
import { RedisModule } from '../redis/redis.module';
import { ResultEventsController } from './result-events.controller';
import { ResultEventsService } from './result-events.service';
import { ResultStoreModule } from './result-store.module';
import { ResultsController } from './results.controller';
import { ResultsService } from './results.service';

/** GET /result/{task_id}, its event stream GET /result/{task_id}/events, and DELETE /result/{task_id} (API role). */
@Module({
  imports: [AuthModule, JobsModule, RedisModule, ResultStoreModule, TaskIndexModule, UploadModule],
  controllers: [ResultsController, ResultEventsController],
  providers: [ResultsService, ResultEventsService],
})
export class ResultsModule {}
