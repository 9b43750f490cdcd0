import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The task a piece of work belongs to, carried across awaits: the logger adds it to every line
 * written while a job runs, without threading a child logger through every call.
 */
const storage = new AsyncLocalStorage<{ taskId: string }>();

export function runInTask<T>(taskId: string, work: () => T): T {
  return storage.run({ taskId }, work);
}

/** `{ taskId }` inside a job's work, `{}` elsewhere: pino's mixin. */
export function taskLogFields(): { taskId?: string } {
  const current = storage.getStore();
  return current ? { taskId: current.taskId } : {};
}
