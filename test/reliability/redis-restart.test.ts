import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { models, skipUnlessPresent } from '../support/shared-files';
import { getJson, submit } from '../e2e/support/http-client';
import { type RunningServer, sleep, TEST_TOKEN } from '../e2e/support/server-process';
import { SPEECH_FIXTURE, writeSpeechClip } from './support/audio-clips';
import { Cluster } from './support/cluster';
import { PersistentRedis } from './support/persistent-redis';
import { allDelivered, TaskWatcher } from './support/task-watch';

const AUTH = `Bearer ${TEST_TOKEN}`;
/** Tasks whose results are left unread across the restart. */
const HELD = 3;
const WATCHED = 5;
const REDIS_DOWN_MS = 2000;

const skip = skipUnlessPresent(models.whisperTiny, models.sileroVad, models.segmentation, SPEECH_FIXTURE);

describe('Redis restarted (AOF) while jobs are queued and running', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'reliability-redis-restart-'));
  let redis: PersistentRedis;
  let cluster: Cluster;
  let api: RunningServer;
  let worker: RunningServer;

  before(async () => {
    redis = await PersistentRedis.start();
    cluster = new Cluster(redis.url, { WHISPER_THREADS: '2' });
    [api, worker] = await Promise.all([cluster.startApi(), cluster.startWorker()]);
  });
  after(async () => {
    await cluster?.stop();
    await redis?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('no job or unread result is lost, both processes reconnect, clients never see a 5xx', async (t) => {
    const clip = readFileSync(writeSpeechClip(path.join(work, 'clip.wav'), 2));
    const post = (i: number) =>
      submit(api.baseUrl, AUTH, { name: `clip-${i}.wav`, bytes: clip }, { language: 'en' });
    const held: string[] = [];
    const watchers: TaskWatcher[] = [];
    for (let i = 0; i < HELD + WATCHED; i++) {
      const created = await post(i);
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const taskId = created.body.task_id as string;
      if (i < HELD) held.push(taskId);
      else watchers.push(new TaskWatcher(api.baseUrl, AUTH, taskId, { intervalMs: 100 }));
    }

    // Restart once two unread results are stored, with a job running and others waiting.
    const resultKey = (id: string): string => `${cluster.prefix}:result:${id}`;
    const queueKey = (name: string): string => `${cluster.prefix}:transcription:${name}`;
    const readyBy = Date.now() + 120_000;
    for (;;) {
      assert.ok(Date.now() < readyBy, `the worker made no progress:\n${worker.output().slice(-3000)}`);
      const stored = await Promise.all(held.slice(0, 2).map((id) => cluster.redis.exists(resultKey(id))));
      const [active, waiting] = await Promise.all([
        cluster.redis.llen(queueKey('active')),
        cluster.redis.llen(queueKey('wait')),
      ]);
      if (stored.every((n) => n === 1) && active === 1 && waiting >= 1) break;
      await sleep(50);
    }
    const before = { active: await cluster.redis.lrange(queueKey('active'), 0, -1) };
    cluster.redis.disconnect();

    // While Redis is away: a client uploads (its request waits for Redis to come back).
    const restarting = redis.restart(REDIS_DOWN_MS);
    await sleep(300);
    const uploadDuringOutage = post(HELD + WATCHED);
    await restarting;
    t.diagnostic(`Redis was down for about ${REDIS_DOWN_MS} ms while ${before.active[0]} was running`);
    const late = await uploadDuringOutage;
    assert.equal(late.status, 200, `an upload during the outage: ${JSON.stringify(late.body)}`);
    watchers.push(new TaskWatcher(api.baseUrl, AUTH, late.body.task_id as string, { intervalMs: 100 }));

    // The worker picks up new work by itself after the restart.
    const after = await post(HELD + WATCHED + 1);
    assert.equal(after.status, 200);
    watchers.push(new TaskWatcher(api.baseUrl, AUTH, after.body.task_id as string, { intervalMs: 100 }));

    await allDelivered(watchers, 180_000);
    for (const watcher of watchers) {
      const seen = [...new Set(watcher.sightings.map((s) => `${s.httpStatus} ${s.status}`))].join(', ');
      assert.ok(
        watcher.sightings.every((s) => s.httpStatus === 200),
        `${watcher.taskId}: ${seen}`,
      );
      assert.ok(
        watcher.sightings.every((s) => ['pending', 'processing', 'completed'].includes(s.status)),
        `${watcher.taskId}: ${seen}`,
      );
      assert.equal(watcher.finalStatus, 'completed', `${watcher.taskId}: ${seen}`);
      assert.equal(watcher.deliveries, 1, `${watcher.taskId}: ${seen}`);
    }
    const polls = watchers.reduce((sum, w) => sum + w.sightings.length, 0);
    t.diagnostic(`${polls} polls during the test, all answered 200`);

    // The results stored before the restart, never read, are still there; so is the third.
    for (const taskId of held) {
      const deadline = Date.now() + 60_000;
      let body: Record<string, unknown> = {};
      while (Date.now() < deadline) {
        ({ body } = await getJson(`${api.baseUrl}/result/${taskId}`, { Authorization: AUTH }));
        if (body.status === 'completed' || body.status === 'failed') break;
        await sleep(200);
      }
      assert.equal(body.status, 'completed', `held task ${taskId}: ${JSON.stringify(body)}`);
    }
    assert.equal(api.child.exitCode, null, 'the API is still running');
    assert.equal(worker.child.exitCode, null, 'the worker is still running');
  });
});
