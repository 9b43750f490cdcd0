import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { REDIS_CLIENT } from '../redis/redis.module';
import { RedisKeys } from '../redis/redis-keys';
import { LIST_PAGE, LISTED_FIELDS, MARK_DELIVERED, REMOVE, WRITE_STATUS } from './task-index.scripts';
import { TASK_STATUSES, type TaskStatus } from './task-status';

/** What a task's record holds, as the listing reads it. Times are Unix milliseconds. */
export interface TaskRecord {
  taskId: string;
  kind: string;
  status: TaskStatus;
  fileName: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  deliveredAt: number | null;
  /** When the record and its result are deleted; null until the task has finished. */
  expiresAt: number | null;
  audioSeconds: number | null;
}

/** Where a page ends: the creation time and id of its last task. */
export interface TaskCursor {
  createdAt: string;
  taskId: string;
}

export interface TaskPage {
  tasks: TaskRecord[];
  next: TaskCursor | null;
}

/** A task's facts as its job carries them: enough to write (or rewrite) its record. */
export interface TaskFacts {
  taskId: string;
  owner: string;
  kind: string;
  fileName?: string | null;
  /** Unix ms; a record that exists keeps its own. */
  createdAt: number;
}

type Guard = 'any' | 'unfinished' | 'live';

/**
 * The task list's records in Redis: one hash per task (never a result body) that expires with the
 * task's result, indexed per owner by creation time (all tasks, and each status) and by expiry
 * time. Writes and pages are Lua scripts, so a status change moves a task between indexes at once
 * and a page costs O(log n + page size) whatever the number of tasks.
 */
@Injectable()
export class TaskIndex {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /** A task was queued; `lifetimeMs` bounds how long it may wait for a worker and run. */
  async created(task: TaskFacts, lifetimeMs: number): Promise<void> {
    const fields = ['owner', task.owner, 'kind', task.kind];
    if (task.fileName) fields.push('file_name', task.fileName);
    await this.write(task, 'queued', lifetimeMs, 'any', fields);
  }

  /** A worker took the task (not over a final status: a task cancelled meanwhile stays so). */
  async started(task: TaskFacts, lifetimeMs: number): Promise<void> {
    const fields = ['owner', task.owner, 'kind', task.kind, 'started_at', String(Date.now())];
    if (task.fileName) fields.push('file_name', task.fileName);
    await this.write(task, 'processing', lifetimeMs, 'unfinished', fields);
  }

  /** The task's result is stored; the record lives as long as the result (`retentionMs`). */
  async finished(
    task: TaskFacts,
    outcome: { status: 'completed' | 'failed'; audioSeconds?: number | null },
    retentionMs: number,
  ): Promise<void> {
    const fields = ['owner', task.owner, 'kind', task.kind, 'finished_at', String(Date.now())];
    if (outcome.audioSeconds != null) fields.push('audio_seconds', String(outcome.audioSeconds));
    await this.write(task, outcome.status, retentionMs, 'any', fields);
  }

  /** Cancelled before it finished; false when there was no such unfinished task. */
  async cancelled(task: Omit<TaskFacts, 'kind' | 'createdAt'>, retentionMs: number): Promise<boolean> {
    const facts = { ...task, kind: '', createdAt: Date.now() };
    return this.write(facts, 'cancelled', retentionMs, 'live', ['finished_at', String(Date.now())]);
  }

  async delivered(taskId: string, owner: string): Promise<void> {
    await this.redis.eval(MARK_DELIVERED, 8, ...this.scriptKeys(taskId, owner), taskId);
  }

  async remove(taskId: string, owner: string): Promise<void> {
    await this.redis.eval(REMOVE, 8, ...this.scriptKeys(taskId, owner), taskId);
  }

  /** One page of the owner's tasks, newest first, of one status or all. */
  async page(
    owner: string,
    options: { status?: TaskStatus; limit: number; cursor?: TaskCursor },
  ): Promise<TaskPage> {
    const index = options.status === undefined ? 2 : 4 + TASK_STATUSES.indexOf(options.status);
    const reply = (await this.redis.eval(
      LIST_PAGE,
      8,
      // The record key is built in the script from this prefix and each id in the index.
      ...this.scriptKeys('', owner),
      String(index),
      String(options.limit),
      options.cursor?.createdAt ?? '',
      options.cursor?.taskId ?? '',
      this.keys.task(''),
      owner,
    )) as string[];
    const [nextTime, nextId, ...rows] = reply;
    const width = 2 + LISTED_FIELDS.length;
    const tasks: TaskRecord[] = [];
    for (let i = 0; i + width <= rows.length; i += width) tasks.push(toRecord(rows.slice(i, i + width)));
    return { tasks, next: nextId === '' ? null : { createdAt: nextTime, taskId: nextId } };
  }

  private async write(
    task: TaskFacts,
    status: TaskStatus,
    lifetimeMs: number,
    guard: Guard,
    fields: string[],
  ): Promise<boolean> {
    const written = await this.redis.eval(
      WRITE_STATUS,
      8,
      ...this.scriptKeys(task.taskId, task.owner),
      task.taskId,
      status,
      String(Math.round(task.createdAt)),
      String(Math.max(1, Math.round(lifetimeMs))),
      guard,
      ...fields,
    );
    return written === 1;
  }

  private scriptKeys(taskId: string, owner: string): string[] {
    return [
      this.keys.task(taskId),
      this.keys.ownerTasks(owner, 'all'),
      this.keys.ownerTasks(owner, 'expiry'),
      ...TASK_STATUSES.map((status) => this.keys.ownerTasks(owner, `status:${status}`)),
    ];
  }
}

function toRecord(row: string[]): TaskRecord {
  const [taskId, created, , kind, status, fileName, started, finished, delivered, expires, audio] = row;
  return {
    taskId,
    kind,
    status: status as TaskStatus,
    fileName: fileName === '' ? null : fileName,
    createdAt: Number(created),
    startedAt: optionalNumber(started),
    finishedAt: optionalNumber(finished),
    deliveredAt: optionalNumber(delivered),
    expiresAt: optionalNumber(expires),
    audioSeconds: optionalNumber(audio),
  };
}

function optionalNumber(text: string): number | null {
  return text === '' ? null : Number(text);
}
