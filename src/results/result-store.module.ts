import { Module } from '@nestjs/common';
import { RedisModule } from '../redis/redis.module';
import { TaskIndexModule } from '../tasks/task-index.module';
import { CancelFlags } from './cancel-flags.repository';
import { ResultStore } from './result-store.repository';
import { ResultWaiter } from './result-waiter';
import { TaskEventsPublisher } from './task-events.publisher';

/**
 * Where finished results wait for their owner: written by workers, read by the API, which may also
 * wait to hear of them (ResultWaiter) and of running tasks' events (TaskEventsPublisher).
 */
@Module({
  imports: [RedisModule, TaskIndexModule],
  providers: [ResultStore, CancelFlags, ResultWaiter, TaskEventsPublisher],
  exports: [ResultStore, CancelFlags, ResultWaiter, TaskEventsPublisher],
})
export class ResultStoreModule {}
