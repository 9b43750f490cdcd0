import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { getJson, pollUntilDone, submit } from './support/http-client';
import { sleep, startServer, TEST_TOKEN } from './support/server-process';

const hasRedisServer = ((): boolean => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Pids of redis-server processes descending from `root`, from /proc. */
function redisDescendants(root: number): number[] {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
      names.set(Number(entry), name);
    } catch {
      // the process ended meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  };
  return [...names]
    .filter(([pid, name]) => name.startsWith('redis-server') && descends(pid))
    .map(([pid]) => pid);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const skip = hasRedisServer ? skipUnlessPresent(models.whisperTiny) : 'needs redis-server';

describe('npm start without REDIS_URL', { skip }, () => {
  test('runs its own redis-server, which does not outlive the server, even killed with SIGKILL', async () => {
    const server = await startServer({ REDIS_URL: undefined, LOG_LEVEL: 'info' });
    try {
      const [redisPid] = redisDescendants(server.pid);
      assert.ok(redisPid, 'a redis-server child runs');
      const unknown = await getJson(`${server.baseUrl}/result/00000000-0000-4000-8000-000000000000`, {
        Authorization: TEST_TOKEN,
      });
      assert.deepEqual(unknown.body, { status: 'pending' });
      assert.match(server.output(), /embedded Redis at redis:\/\/127\.0\.0\.1:\d+/);
      const created = await submit(server.baseUrl, TEST_TOKEN, fixtures.audio('conv-en-2spk.wav'));
      const done = await pollUntilDone(server.baseUrl, TEST_TOKEN, created.body.task_id as string);
      assert.equal(done.status, 'completed', 'API and worker share the embedded Redis');

      server.child.kill('SIGKILL');
      const deadline = Date.now() + 5000;
      while (alive(redisPid) && Date.now() < deadline) await sleep(50);
      assert.equal(alive(redisPid), false, 'redis-server stopped with its server');
    } finally {
      await server.stop();
    }
  });

  test('a separate API or worker process refuses to start without REDIS_URL', async () => {
    await assert.rejects(
      startServer({ REDIS_URL: undefined, APP_ROLE: 'api' }),
      /REDIS_URL must be set for APP_ROLE=api/,
    );
  });
});
