import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { RedisKeys } from './redis-keys';

/** The app's own Redis connection (results, health); Bull opens its own connections. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [AppConfig],
      useFactory: (config: AppConfig): Redis =>
        // Auto-pipelining sends the commands of concurrent requests (pollers) in one write. While
        // Redis restarts, commands wait for the reconnection (about 10 s of retries at most) rather
        // than fail at once: pollers then get a late answer instead of a 500.
        new Redis(config.redis.url, { maxRetriesPerRequest: 20, enableAutoPipelining: true }),
    },
    {
      provide: RedisKeys,
      inject: [AppConfig],
      useFactory: (config: AppConfig): RedisKeys => new RedisKeys(config.redis.prefix),
    },
  ],
  exports: [REDIS_CLIENT, RedisKeys],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
