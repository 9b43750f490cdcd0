import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis-keys';

/**
 * Cancellation requests in Redis, so that the API process that receives DELETE /result and the
 * worker process running the task (any machine) need share nothing but Redis. A flag lives as long
 * as a result would, long after any job it could concern has ended.
 */
@Injectable()
export class CancelFlags {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly config: AppConfig,
  ) {}

  async raise(taskId: string): Promise<void> {
    await this.redis.set(this.keys.cancel(taskId), '1', 'PX', this.config.results.ttlMs);
  }

  async isRaised(taskId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.cancel(taskId))) === 1;
  }

  /** Which of the given tasks were cancelled: one round trip for every job a worker runs. */
  async raisedAmong(taskIds: readonly string[]): Promise<string[]> {
    if (taskIds.length === 0) return [];
    const values = await this.redis.mget(...taskIds.map((id) => this.keys.cancel(id)));
    return taskIds.filter((_id, index) => values[index] !== null);
  }
}
