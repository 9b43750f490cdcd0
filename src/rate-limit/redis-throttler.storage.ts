import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';

/** What ThrottlerStorage.increment resolves to (the package does not export the record's type). */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * How long a limiter command may take before the request goes through unlimited: Redis answers in
 * about a millisecond, so only an outage or a stalled server gets near it.
 */
export const THROTTLE_COMMAND_TIMEOUT_MS = 1000;

/** The answer while Redis cannot count: nothing counted, nothing blocked. */
const UNCOUNTED: ThrottlerStorageRecord = {
  totalHits: 0,
  timeToExpire: 0,
  isBlocked: false,
  timeToBlockExpire: 0,
};

/**
 * Rate-limit counters in Redis, shared by every API process: @nest-lab/throttler-storage-redis (one
 * Lua script per request: INCR + PEXPIRE + the block key, atomic), on a connection of its own whose
 * key prefix puts every counter under `<REDIS_PREFIX>:throttle:`.
 *
 * Fails open: when Redis does not answer within THROTTLE_COMMAND_TIMEOUT_MS (down, restarting,
 * stalled) the request is let through uncounted, and a warning is logged once per outage. The
 * limits protect the workers from one greedy client; they are not worth refusing every client
 * while Redis is away, and the request itself then meets the same Redis as it would unlimited.
 */
export class RedisThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly counters: ThrottlerStorageRedisService;
  private failing = false;

  constructor(private readonly redis: Redis) {
    this.counters = new ThrottlerStorageRedisService(redis);
  }

  /**
   * A connection for the limiter from the app's own: same server, counters under `keyPrefix`.
   * While it is down commands fail at once rather than queue (a queued hit would be counted late,
   * after the outage); on a connected but stalled server they give up after
   * THROTTLE_COMMAND_TIMEOUT_MS.
   */
  static connect(appRedis: Redis, keyPrefix: string): RedisThrottlerStorage {
    const redis = appRedis.duplicate({
      keyPrefix,
      enableOfflineQueue: false,
      commandTimeout: THROTTLE_COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
    });
    // Connection errors surface as failed commands (and the warning below); ioredis would
    // otherwise print each reconnection attempt as an unhandled 'error' event.
    redis.on('error', () => undefined);
    return new RedisThrottlerStorage(redis);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const record = await this.counters.increment(key, ttl, limit, blockDuration, throttlerName);
      if (this.failing) {
        this.failing = false;
        this.logger.log('rate limits are counted in Redis again');
      }
      return record;
    } catch (error) {
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(
          `rate limits not enforced while Redis does not answer: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return UNCOUNTED;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
