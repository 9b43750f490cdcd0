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

  /** Set by DELETE /result/{task_id}; the worker running the task polls it. */
  cancel(taskId: string): string {
    return `${this.prefix}:cancel:${taskId}`;
  }

  /** Every rate-limit counter starts with this (a client-side key prefix of the limiter's connection). */
  throttle(): string {
    return `${this.prefix}:throttle:`;
  }
}
