import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { JobsModule } from '../jobs/jobs.module';
import { TaskIndexModule } from './task-index.module';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

/** GET /tasks (API role). */
@Module({
  imports: [AuthModule, JobsModule, TaskIndexModule],
  controllers: [TasksController],
  providers: [TasksService],
})
export class TasksModule {}
