import { randomUUID } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Task ids are random UUIDs: unguessable, and they say nothing about how many tasks exist. */
export function newTaskId(): string {
  return randomUUID();
}

export function isTaskId(value: string): boolean {
  return UUID.test(value);
}
