import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import {
  deleteKeys,
  type RunningServer,
  startServer,
  TEST_REDIS_URL,
} from '../../e2e/support/server-process';

/**
 * The per-subject rate limits off: these tests poll and upload far faster than one client should,
 * with one token, to exercise other properties than the limiter's.
 */
export const NO_RATE_LIMITS = { RATE_LIMIT_UPLOADS_PER_MINUTE: '0', RATE_LIMIT_POLLS_PER_MINUTE: '0' };

/**
 * A scaled-out deployment on one machine: an API process and worker processes sharing one Redis
 * key prefix and one upload folder, as separate machines would share Redis and storage.
 */
export class Cluster {
  readonly prefix = `rel-${randomBytes(5).toString('hex')}`;
  readonly uploadDir = mkdtempSync(path.join(tmpdir(), 'reliability-uploads-'));
  readonly processes: RunningServer[] = [];
  readonly redis: Redis;

  private readonly commonEnv: Record<string, string | undefined>;

  constructor(
    readonly redisUrl = TEST_REDIS_URL,
    env: Record<string, string | undefined> = {},
  ) {
    this.commonEnv = { ...NO_RATE_LIMITS, ...env };
    this.redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  async startApi(env: Record<string, string | undefined> = {}): Promise<RunningServer> {
    return this.track(
      startServer(
        { ...this.commonEnv, APP_ROLE: 'api', REDIS_URL: this.redisUrl, ...env },
        { prefix: this.prefix, uploadDir: this.uploadDir },
      ),
    );
  }

  /** A worker counts as started once it says so (it loads its models first); it logs at info. */
  async startWorker(env: Record<string, string | undefined> = {}): Promise<RunningServer> {
    return this.track(
      startServer(
        { ...this.commonEnv, APP_ROLE: 'worker', REDIS_URL: this.redisUrl, LOG_LEVEL: 'info', ...env },
        { prefix: this.prefix, uploadDir: this.uploadDir, readyWhen: /worker started/ },
      ),
    );
  }

  uploadsLeft(): string[] {
    return readdirSync(this.uploadDir);
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((process) => process.stop()));
    await deleteKeys(this.redis, this.prefix).catch(() => undefined);
    this.redis.disconnect();
    rmSync(this.uploadDir, { recursive: true, force: true });
  }

  private async track(starting: Promise<RunningServer>): Promise<RunningServer> {
    const server = await starting;
    this.processes.push(server);
    return server;
  }
}

/** Task ids a worker's log says it started, and finished as completed, in order. */
export function tasksLogged(output: string, event: 'started' | 'completed' | 'handed back'): string[] {
  const pattern = new RegExp(`task ([0-9a-f-]{36}) ${event}`, 'g');
  return [...output.matchAll(pattern)].map((match) => match[1]);
}

/** The task a worker is in the middle of: the last one it started and has not finished. */
export function taskInProgress(output: string): string | undefined {
  const started = tasksLogged(output, 'started');
  const last = started[started.length - 1];
  if (!last) return undefined;
  const ended = new RegExp(`task ${last} (completed|failed|handed back)`).test(output);
  return ended ? undefined : last;
}
