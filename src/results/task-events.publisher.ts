import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import type { JobProgress } from '../jobs/job-catalogue';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis-keys';
import { encodeTaskEvent, type SegmentEvent } from './task-events';

/**
 * The worker's side of GET /result/{task_id}/events: progress and segments go out on one pub/sub
 * channel as they happen. Segments are also kept in a list until the result is delivered (or
 * expires), so that a stream opened or reopened mid-task starts with the text so far.
 */
@Injectable()
export class TaskEventsPublisher {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  /** Forgets the text streamed so far: a task run again starts anew; a cancelled one leaves nothing. */
  async reset(taskId: string): Promise<void> {
    await this.redis.del(this.keys.segments(taskId));
  }

  async progress(taskId: string, progress: JobProgress): Promise<void> {
    await this.redis.publish(this.keys.taskEvents(), encodeTaskEvent(taskId, { type: 'progress', progress }));
  }

  async segment(taskId: string, segment: SegmentEvent): Promise<void> {
    const list = this.keys.segments(taskId);
    await this.redis
      .multi()
      .rpush(list, JSON.stringify(segment))
      .pexpire(list, this.config.results.ttlMs + this.config.jobs.timeoutMs)
      .publish(this.keys.taskEvents(), encodeTaskEvent(taskId, { type: 'segment', segment }))
      .exec();
  }
}
