import 'reflect-metadata';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { type EmbeddedRedis, EmbeddedRedisError, startEmbeddedRedis } from './bootstrap/embedded-redis';
import { closeOnSignals } from './bootstrap/graceful-shutdown';
import { applyHttpTimeouts } from './bootstrap/http-timeouts';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation';
import { AppConfig } from './config/app-config';
import { APP_ROLES, type AppRole } from './config/env.dto';
import { InvalidEnvironmentError } from './config/env.validation';
import { setupSwagger } from './swagger';

/** A mistake in how the process was started (role, Redis): reported by its message alone. */
class StartupError extends Error {
  override readonly name = 'StartupError';
}

/**
 * Starts the server in the role APP_ROLE names: `all` (default: API and worker in one process),
 * `api` or `worker`. Without REDIS_URL a private redis-server is started for the life of the process.
 */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const role = parseRole(process.env.APP_ROLE);
  let redis: EmbeddedRedis | null = null;
  if (!process.env.REDIS_URL) {
    // A private Redis only makes sense when API and worker share this process.
    if (role !== 'all') {
      throw new StartupError(
        `REDIS_URL must be set for APP_ROLE=${role}: separate API and worker processes share one Redis`,
      );
    }
    redis = await startEmbeddedRedis();
    process.env.REDIS_URL = redis.url;
  }
  // Imported only now, with REDIS_URL set: AppModule.forRole validates the environment.
  const { AppModule } = await import('./app.module');
  const app =
    role === 'worker' ? await startWorker(AppModule.forRole(role)) : await startApi(AppModule.forRole(role));
  const logger = app.get(Logger);
  if (redis) logger.log(`embedded Redis at ${redis.url} (no persistence; set REDIS_URL to use your own)`);
  // SIGTERM: the API stops accepting and lets requests in flight finish (SHUTDOWN_GRACE_MS), then Nest's
  // shutdown hooks close Bull and Redis; the worker stops taking jobs and finishes or hands back its
  // running ones (SHUTDOWN_GRACE_MS again); the process exits 0. The embedded redis-server goes with it.
  const server = role === 'worker' ? null : ((app as INestApplication).getHttpServer() as Server);
  const { ResultEventsService } = await import('./results/result-events.service');
  const events = role === 'worker' ? null : app.get(ResultEventsService);
  closeOnSignals(app, server, app.get(AppConfig).jobs.shutdownGraceMs, () => events?.endAll());
}

async function startApi(module: Parameters<typeof NestFactory.create>[0]): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  // Results are read once and never cached: hashing each body for an ETag would be wasted work.
  app.set('etag', false);
  const config = app.get(AppConfig);
  // The client address behind a reverse proxy (X-Forwarded-For from the proxies TRUST_PROXY names).
  app.set('trust proxy', config.http.trustProxy);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  setupSwagger(app);
  await app.listen(config.http.port, config.http.host);
  const server = app.getHttpServer() as Server;
  applyHttpTimeouts(server);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  app.get(Logger).log(`${config.role} listening on http://${config.http.host}:${port} (Swagger UI at /docs)`);
  return app;
}

async function startWorker(
  module: Parameters<typeof NestFactory.create>[0],
): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await app.init();
  return app;
}

function parseRole(value: string | undefined): AppRole {
  const role = (value ?? '').trim() || 'all';
  if (!(APP_ROLES as readonly string[]).includes(role)) {
    throw new StartupError(`APP_ROLE must be one of ${APP_ROLES.join(', ')} (got "${role}")`);
  }
  return role as AppRole;
}

main().catch((error: unknown) => {
  // Configuration mistakes get their message alone; anything else its stack.
  const expected =
    error instanceof StartupError ||
    error instanceof InvalidEnvironmentError ||
    error instanceof EmbeddedRedisError;
  console.error(expected ? error.message : error);
  process.exit(1);
});
