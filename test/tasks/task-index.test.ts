import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Redis from 'ioredis';
import { newTaskId } from '../../src/jobs/task-id';
import { RedisKeys } from '../../src/redis/redis-keys';
import { type TaskFacts, TaskIndex } from '../../src/tasks/task-index.repository';
import { deleteKeys, TEST_REDIS_URL } from '../e2e/support/server-process';

const HOUR = 3600_000;

describe('TaskIndex against real Redis', () => {
  const prefix = `tasktest-${randomBytes(5).toString('hex')}`;
  const keys = new RedisKeys(prefix);
  let redis: Redis;
  let index: TaskIndex;

  before(() => {
    redis = new Redis(TEST_REDIS_URL);
    index = new TaskIndex(redis, keys);
  });
  after(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  const facts = (owner: string, createdAt: number): TaskFacts => ({
    taskId: newTaskId(),
    owner,
    kind: 'transcribe',
    fileName: 'a.wav',
    createdAt,
  });

  async function walk(owner: string, limit: number, status?: 'queued'): Promise<string[]> {
    const ids: string[] = [];
    let cursor;
    for (let pages = 0; pages < 100; pages++) {
      const page = await index.page(owner, { limit, cursor, status });
      assert.ok(page.tasks.length <= limit);
      ids.push(...page.tasks.map((task) => task.taskId));
      if (!page.next) return ids;
      cursor = page.next;
    }
    throw new Error('the pages never ended');
  }

  test('tasks created in the same millisecond are paged exactly once each, by id within the millisecond', async () => {
    const same = Array.from({ length: 25 }, () => facts('ties', 1_700_000_000_000));
    const older = Array.from({ length: 5 }, (_, i) => facts('ties', 1_600_000_000_000 + i));
    for (const task of [...same, ...older]) await index.created(task, HOUR);
    const expected = [
      ...same
        .map((task) => task.taskId)
        .sort()
        .reverse(),
      ...older.map((task) => task.taskId).reverse(),
    ];
    for (const limit of [1, 7, 10, 25, 100])
      assert.deepEqual(await walk('ties', limit), expected, `limit ${limit}`);
  });

  test('a worker starting a cancelled task leaves it cancelled; a finished task takes its retention', async () => {
    const task = facts('guards', Date.now());
    await index.created(task, HOUR);
    assert.equal(await index.cancelled(task, 60_000), true);
    await index.started(task, HOUR);
    const [listed] = (await index.page('guards', { limit: 10 })).tasks;
    assert.equal(listed.status, 'cancelled');
    assert.equal(listed.startedAt, null);
    assert.ok(listed.expiresAt !== null && Math.abs(listed.expiresAt - Date.now() - 60_000) < 2000);
    assert.equal(await index.cancelled(task, 60_000), false, 'only an unfinished task can be cancelled');

    const done = facts('guards', Date.now());
    await index.created(done, HOUR);
    await index.started(done, HOUR);
    await index.finished(done, { status: 'completed', audioSeconds: 12.5 }, 5000);
    const ttl = await redis.pttl(keys.task(done.taskId));
    assert.ok(ttl > 4000 && ttl <= 5000, `record TTL ${ttl}`);
    const record = (await index.page('guards', { limit: 10 })).tasks.find((t) => t.taskId === done.taskId);
    assert.equal(record?.audioSeconds, 12.5);
    assert.deepEqual(
      (await index.page('guards', { limit: 10, status: 'completed' })).tasks.map((t) => t.taskId),
      [done.taskId],
    );
  });

  test('expired tasks leave every index of their owner, and the indexes expire with the last task', async () => {
    const short = facts('expiry', Date.now());
    const long = facts('expiry', Date.now() + 1);
    await index.created(short, 300);
    await index.created(long, 600);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The next write or page prunes what expired.
    assert.deepEqual(await walk('expiry', 10), [long.taskId]);
    assert.equal(await redis.zscore(keys.ownerTasks('expiry', 'all'), short.taskId), null);
    assert.equal(await redis.zscore(keys.ownerTasks('expiry', 'status:queued'), short.taskId), null);
    assert.equal(await redis.zscore(keys.ownerTasks('expiry', 'expiry'), short.taskId), null);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(
      await redis.exists(keys.ownerTasks('expiry', 'all'), keys.ownerTasks('expiry', 'expiry')),
      0,
    );
  });

  test("an owner's page never holds another owner's task", async () => {
    const mine = facts('owner-a', Date.now());
    await index.created(mine, HOUR);
    await index.created(facts('owner-b', Date.now()), HOUR);
    assert.deepEqual(await walk('owner-a', 10), [mine.taskId]);
    assert.deepEqual(await walk('owner-a', 10, 'queued'), [mine.taskId]);
  });
});
