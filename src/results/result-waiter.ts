import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis-keys';
import { splitTaskEvent } from './task-events';

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
 * Lets a request wait for a task's result instead of polling for it (GET /result?wait=...), and
 * follow a running task's events (GET /result/{task_id}/events): the ResultStore publishes every
 * stored task id on one channel, workers publish progress and segments on another, and this process
 * subscribes to both on a connection of its own, opened on the first wait, so processes that never
 * wait hold no extra connection, and any number of waits share that one. A watch is taken before the
 * first look, so a result stored in between still wakes it.
 */
@Injectable()
export class ResultWaiter implements OnModuleDestroy {
  private readonly logger = new Logger(ResultWaiter.name);
  /** Wake-up functions of the watches, by task id. */
  private readonly watches = new Map<string, Set<() => void>>();
  /** Event listeners of the watches that asked for events, by task id. */
  private readonly listeners = new Map<string, Set<(json: string) => void>>();
  private subscriber: Redis | null = null;
  private subscribed: Promise<void> | null = null;
  private closing = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Resolves once subscribed (rejects when that fails) with the watch registered. `onEvent` receives
   * the JSON of each TaskEvent published for the task from then on, until the watch is closed.
   */
  async watch(taskId: string, onEvent?: (json: string) => void): Promise<ResultWatch> {
    // Shutting down: nothing to wait for, and no connection to open.
    if (this.closing) return { wait: () => Promise.resolve(), close: () => undefined };
    await this.subscribe();
    let wake = (): void => undefined;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const forget = (): void => {
      removeFrom(this.watches, taskId, wake);
      if (onEvent) removeFrom(this.listeners, taskId, onEvent);
    };
    if (this.closing) wake();
    else {
      addTo(this.watches, taskId, wake);
      if (onEvent) addTo(this.listeners, taskId, onEvent);
    }
    return { wait: (ms, signal) => untilFirst(woken, ms, signal), close: forget };
  }

  /** True from shutdown on: watches then resolve at once, and long streams should end. */
  get stopped(): boolean {
    return this.closing;
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
    const resultStored = this.keys.resultStored();
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === resultStored) this.wake(message);
      else this.dispatch(message);
    });
    let connectedBefore = false;
    subscriber.on('ready', () => {
      // Results stored while the connection was down were not heard: let every waiter look again.
      if (connectedBefore) this.wakeAll();
      connectedBefore = true;
    });
    subscriber.on('error', (error: Error) => this.logger.warn(`result notifications: ${error.message}`));
    await subscriber.subscribe(resultStored, this.keys.taskEvents());
  }

  private dispatch(message: string): void {
    const event = splitTaskEvent(message);
    if (!event) return;
    for (const listener of this.listeners.get(event.taskId) ?? []) listener(event.json);
  }

  private wake(taskId: string): void {
    for (const wake of this.watches.get(taskId) ?? []) wake();
  }

  private wakeAll(): void {
    for (const set of this.watches.values()) for (const wake of set) wake();
  }
}

function addTo<T>(map: Map<string, Set<T>>, key: string, item: T): void {
  map.set(key, (map.get(key) ?? new Set()).add(item));
}

function removeFrom<T>(map: Map<string, Set<T>>, key: string, item: T): void {
  const set = map.get(key);
  set?.delete(item);
  if (set?.size === 0) map.delete(key);
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
