import { Module } from '@nestjs/common';
import { RedisModule } from '../redis/redis.module';
import { TaskIndex } from './task-index.repository';
import { TaskRetention } from './task-retention';

/** The task list's records, written by the API (queued, cancelled) and the workers (the rest). */
@Module({
  imports: [RedisModule],
  providers: [TaskIndex, TaskRetention],
  exports: [TaskIndex, TaskRetention],
})
export class TaskIndexModule {}
