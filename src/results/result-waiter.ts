import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis-keys';

/** A request's interest in one task, taken before it first looks for the result. */
export interface ResultWatch {
  /**
   * Resolves when a result for the task is stored, after `ms`, when `signal` aborts or at shutdown,
   * whichever comes first; it never rejects.
   */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  /** Forgets the watch; call it however the request ends. */
  close(): void;
}

/**
 * Lets a request wait for a task's result instead of polling for it (GET /result?wait=...): the
 * ResultStore publishes every stored task id on one channel, and this process subscribes to it on a
 * connection of its own, opened on the first wait, so processes that never wait hold no extra
 * connection. A watch is taken before the first look, so a result stored in between still wakes it.
 */
@Injectable()
export class ResultWaiter implements OnModuleDestroy {
  private readonly logger = new Logger(ResultWaiter.name);
  /** Wake-up functions of the watches, by task id. */
  private readonly watches = new Map<string, Set<() => void>>();
  private subscriber: Redis | null = null;
  private subscribed: Promise<void> | null = null;
  private closing = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** Resolves once subscribed (rejects when that fails) with the watch registered. */
  async watch(taskId: string): Promise<ResultWatch> {
    // Shutting down: nothing to wait for, and no connection to open.
    if (this.closing) return { wait: () => Promise.resolve(), close: () => undefined };
    await this.subscribe();
    let wake = (): void => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const forget = (): void => {
      const set = this.watches.get(taskId);
      set?.delete(wake);
      if (set?.size === 0) this.watches.delete(taskId);
    };
    if (this.closing) wake();
    else this.watches.set(taskId, (this.watches.get(taskId) ?? new Set()).add(wake));
    return { wait: (ms, signal) => untilFirst(woken, ms, signal), close: forget };
  }

  /** Shutdown: every waiting request answers now, so that the HTTP server can close without delay. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.wakeAll();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  private subscribe(): Promise<void> {
    this.subscribed ??= this.openSubscriber().catch((error: unknown) => {
      // The next wait tries again.
      this.subscribed = null;
      throw error;
    });
    return this.subscribed;
  }

  private async openSubscriber(): Promise<void> {
    this.subscriber?.disconnect();
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, taskId: string) => this.wake(taskId));
    let connectedBefore = false;
    subscriber.on('ready', () => {
      // Results stored while the connection was down were not heard: let every waiter look again.
      if (connectedBefore) this.wakeAll();
      connectedBefore = true;
    });
    subscriber.on('error', (error: Error) => this.logger.warn(`result notifications: ${error.message}`));
    await subscriber.subscribe(this.keys.resultStored());
  }

  private wake(taskId: string): void {
    for (const wake of this.watches.get(taskId) ?? []) wake();
  }

  private wakeAll(): void {
    for (const set of this.watches.values()) for (const wake of set) wake();
  }
}

/** `woken`, or `ms` elapsed, or `signal` aborted: whichever comes first. */
function untilFirst(woken: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    if (signal?.aborted) done();
    void woken.then(done);
  });
}
