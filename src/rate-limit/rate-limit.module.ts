import { type ExecutionContext, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import type Redis from 'ioredis';
import { AuthModule } from '../auth/auth.module';
import { AppConfig } from '../config/app-config';
import { REDIS_CLIENT, RedisModule } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis-keys';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { SubjectThrottlerGuard } from './subject-throttler.guard';

const MINUTE_MS = 60_000;

/** Uploads are POSTs that carry a file; polls are GET /result. Each has its own budget. */
const isUpload = (request: Request): boolean => request.method === 'POST';
const isPoll = (request: Request): boolean => request.method === 'GET' && /^\/result\//.test(request.path);

const requestOf = (context: ExecutionContext): Request => context.switchToHttp().getRequest<Request>();

/**
 * Per-subject rate limits (API role): RATE_LIMIT_UPLOADS_PER_MINUTE for uploads and
 * RATE_LIMIT_POLLS_PER_MINUTE for GET /result of one task, so that polling never eats the upload budget;
 * 0 turns either off. Counters live in Redis (RedisThrottlerStorage), so that any number of API
 * processes share one budget per subject; with both limits off no connection is opened.
 */
@Module({
  imports: [
    AuthModule,
    ThrottlerModule.forRootAsync({
      imports: [RedisModule],
      inject: [AppConfig, REDIS_CLIENT, RedisKeys],
      useFactory: (config: AppConfig, redis: Redis, keys: RedisKeys) => {
        const { uploadsPerMinute, pollsPerMinute } = config.rateLimit;
        const limited = uploadsPerMinute > 0 || pollsPerMinute > 0;
        return {
          // Without limits the guard never counts; the in-memory default storage then costs nothing.
          ...(limited ? { storage: RedisThrottlerStorage.connect(redis, keys.throttle()) } : {}),
          throttlers: [
            {
              name: 'uploads',
              ttl: MINUTE_MS,
              limit: uploadsPerMinute,
              skipIf: (context) => uploadsPerMinute === 0 || !isUpload(requestOf(context)),
            },
            {
              name: 'polls',
              ttl: MINUTE_MS,
              limit: pollsPerMinute,
              skipIf: (context) => pollsPerMinute === 0 || !isPoll(requestOf(context)),
            },
          ],
          // Retry-After is set by the guard itself, under its standard name.
          setHeaders: false,
          // Uploads: one budget per subject across every upload route (the default counts each route
          // apart). Polls: per subject and task, so a client polling many tasks at once is not slowed.
          // The storage appends the throttler's name: `<prefix>:throttle:{subject:alice:uploads}:hits`.
          generateKey: (context: ExecutionContext, tracker: string, name: string) =>
            name === 'polls' ? `${tracker}:${requestOf(context).path}` : tracker,
        };
      },
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: SubjectThrottlerGuard }],
})
export class RateLimitModule {}
