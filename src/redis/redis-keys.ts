import { createHash } from 'node:crypto';

/** Names every key the app writes, under the configured prefix (Bull uses the same prefix for its own). */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  result(taskId: string): string {
    return `${this.prefix}:result:${taskId}`;
  }

  /** A pub/sub channel, not a key: the id of every task whose result was just stored. */
  resultStored(): string {
    return `${this.prefix}:result-stored`;
  }

  /** A pub/sub channel: "<task id>\n<json>" for each progress step and Whisper segment of a running task. */
  taskEvents(): string {
    return `${this.prefix}:task-events`;
  }

  /** The Whisper segments of a running task so far (JSON list items), replayed to late event streams. */
  segments(taskId: string): string {
    return `${this.prefix}:segments:${taskId}`;
  }

  /** Set by DELETE /result/{task_id}; the worker running the task polls it. */
  cancel(taskId: string): string {
    return `${this.prefix}:cancel:${taskId}`;
  }

  /** A task's listing record (GET /tasks): times, status, file name; never a result body. */
  task(taskId: string): string {
    return `${this.prefix}:task:${taskId}`;
  }

  /**
   * An owner's task indexes, by a digest of the owner (a token subject may hold any character):
   * every task by creation time, each status by creation time, and every task by expiry time.
   */
  ownerTasks(owner: string, index: 'all' | 'expiry' | `status:${string}`): string {
    const digest = createHash('sha256').update(owner).digest('hex').slice(0, 32);
    return `${this.prefix}:tasks:${digest}:${index}`;
  }

  /** Every rate-limit counter starts with this (a client-side key prefix of the limiter's connection). */
  throttle(): string {
    return `${this.prefix}:throttle:`;
  }
}
