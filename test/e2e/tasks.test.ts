import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { getJson, type JsonResponse } from './support/http-client';
import { forgeJwt, nowSeconds } from './support/jwt';
import { JWT_SECRET, type RunningServer, sleep, startServer, TEST_TOKEN } from './support/server-process';

const WAV = fixtures.audio('conv-en-2spk.wav');
const ALICE = `Bearer ${TEST_TOKEN}`;
const BOB = `Bearer ${forgeJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'bob', exp: nowSeconds() + 3600 }, JWT_SECRET)}`;
const skip = skipUnlessPresent(models.whisperTiny, models.segmentation, WAV);

interface TaskSummary {
  task_id: string;
  kind: string;
  status: string;
  stage: string | null;
  progress: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  delivered_at: string | null;
  expires_at: string | null;
  file_name: string | null;
  audio_seconds: number | null;
}

/** POST /transcribe or /diarize with the WAV under `name`. */
async function queue(
  baseUrl: string,
  route: '/transcribe' | '/diarize',
  authorization: string,
  name: string,
  fields: Record<string, string> = {},
): Promise<JsonResponse> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(WAV)]), name);
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    body: form,
    headers: { Authorization: authorization },
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

async function listTasks(
  baseUrl: string,
  authorization: string,
  query = '',
): Promise<{ status: number; tasks: TaskSummary[]; next: string | null; body: Record<string, unknown> }> {
  const { status, body } = await getJson(`${baseUrl}/tasks${query}`, { Authorization: authorization });
  return {
    status,
    body,
    tasks: (body.tasks ?? []) as TaskSummary[],
    next: (body.next_cursor ?? null) as string | null,
  };
}

async function taskOf(
  baseUrl: string,
  authorization: string,
  taskId: string,
): Promise<TaskSummary | undefined> {
  const { tasks } = await listTasks(baseUrl, authorization, '?limit=100');
  return tasks.find((task) => task.task_id === taskId);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('GET /tasks and delete_after (API and worker)', { skip }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer();
    await server.redis.connect();
  });
  after(async () => {
    await server?.stop();
  });

  test("lists the owner's tasks with times, file name and audio length; the result goes out once, with its expiry", async () => {
    const first = await queue(server.baseUrl, '/transcribe', ALICE, 'first call.wav');
    const second = await queue(server.baseUrl, '/diarize', ALICE, 'second.wav', { delete_after: '600' });
    const bobs = await queue(server.baseUrl, '/transcribe', BOB, 'bob.wav');
    for (const answer of [first, second, bobs]) assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const [firstId, secondId] = [first.body.task_id as string, second.body.task_id as string];

    const listed = await listTasks(server.baseUrl, ALICE);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(
      listed.tasks.map((task) => task.task_id),
      [secondId, firstId],
      "newest first, none of bob's",
    );
    assert.equal(listed.next, null);
    assert.equal(listed.tasks[0].kind, 'diarize');
    assert.equal(listed.tasks[1].file_name, 'first call.wav');
    assert.ok(!JSON.stringify(listed.body).includes('"results"'), 'no result body in the list');
    const bobsList = await listTasks(server.baseUrl, BOB);
    assert.deepEqual(
      bobsList.tasks.map((task) => task.task_id),
      [bobs.body.task_id],
    );

    // Held until the result is stored: its expiry comes with it.
    let body: Record<string, unknown> = {};
    let headers = new Headers();
    while (body.status !== 'completed' && body.status !== 'failed') {
      const response = await fetch(`${server.baseUrl}/result/${secondId}?wait=30`, {
        headers: { Authorization: ALICE },
      });
      [body, headers] = [(await response.json()) as Record<string, unknown>, response.headers];
    }
    assert.equal(body.status, 'completed', JSON.stringify(body));
    checkExpiryHeader(headers, 600);

    const delivered = await until('the delivery to be noted', async () => {
      const task = await taskOf(server.baseUrl, ALICE, secondId);
      return task?.delivered_at ? task : undefined;
    });
    assert.equal(delivered.status, 'completed');
    assert.equal(delivered.stage, null);
    assert.ok(
      delivered.audio_seconds !== null && delivered.audio_seconds > 20,
      String(delivered.audio_seconds),
    );
    const [created, started, finished, expires] = [
      delivered.created_at,
      delivered.started_at,
      delivered.finished_at,
      delivered.expires_at,
    ].map((time) => Date.parse(time ?? ''));
    assert.ok(created <= started && started <= finished, JSON.stringify(delivered));
    assert.ok(Math.abs(expires - finished - 600_000) < 2000, 'kept delete_after seconds after it ended');
    // Redis holds the task's record with that lifetime, and the result's marker without its body.
    const ttl = await server.redis.pttl(`${server.prefix}:task:${secondId}`);
    assert.ok(ttl > 590_000 && ttl <= 600_000, `record TTL ${ttl}`);
    assert.equal(await server.redis.hget(`${server.prefix}:result:${secondId}`, 'json'), null);
  });

  test('a result of a short delete_after expires then, and leaves the list and the indexes', async () => {
    const answer = await queue(server.baseUrl, '/diarize', ALICE, 'brief.wav', { delete_after: '4' });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const taskId = answer.body.task_id as string;
    const done = await until('the task to finish', async () => {
      const task = await taskOf(server.baseUrl, ALICE, taskId);
      return task?.status === 'completed' ? task : undefined;
    });
    assert.equal(done.delivered_at, null);
    const expiresAt = Date.parse(done.expires_at ?? '');
    assert.ok(Math.abs(expiresAt - Date.parse(done.finished_at ?? '') - 4000) < 1000, JSON.stringify(done));
    const resultTtl = await server.redis.pttl(`${server.prefix}:result:${taskId}`);
    assert.ok(resultTtl > 0 && resultTtl <= 4000, `result TTL ${resultTtl}`);
    await sleep(Math.max(0, expiresAt - Date.now()) + 500);
    assert.equal(await taskOf(server.baseUrl, ALICE, taskId), undefined, 'gone from the list');
    const { body } = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: ALICE });
    assert.deepEqual(body, { status: 'pending' }, 'the undelivered result expired');
    const indexed = await server.redis.keys(`${server.prefix}:tasks:*`);
    for (const key of indexed) {
      assert.equal(await server.redis.zscore(key, taskId), null, `${key} no longer holds it`);
    }
  });

  test('delete_after beyond RESULT_TTL_MS, or not a whole number, is a 400 and queues nothing', async () => {
    for (const value of ['10801', 'abc', '0', '1.5']) {
      const answer = await queue(server.baseUrl, '/transcribe', ALICE, 'x.wav', { delete_after: value });
      assert.equal(answer.status, 400, `${value}: ${JSON.stringify(answer.body)}`);
      const errors = answer.body.errors as Record<string, string[]>;
      assert.match(errors.delete_after[0], /delete_after/);
    }
    assert.deepEqual(server.uploadsLeft(), []);
  });
});

describe('GET /tasks on an API without workers: pages, filters, cancellation', { skip }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ APP_ROLE: 'api' });
  });
  after(async () => {
    await server?.stop();
  });

  test('cursor pages walk every task once, newest first; status filters; bad queries are 400s', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const answer = await queue(server.baseUrl, '/transcribe', ALICE, `회의-${i}.wav`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      ids.push(answer.body.task_id as string);
    }
    const seen: TaskSummary[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listTasks(server.baseUrl, ALICE, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.ok(page.tasks.length <= 3);
      seen.push(...page.tasks);
      cursor = page.next;
      pages++;
    } while (cursor !== null && pages < 10);
    assert.deepEqual(
      seen.map((task) => task.task_id),
      [...ids].reverse(),
    );
    assert.equal(pages, 3);
    for (const task of seen) {
      assert.equal(task.status, 'queued');
      assert.equal(task.started_at, null);
      assert.equal(task.expires_at, null);
    }
    assert.deepEqual(
      seen.map((task) => task.file_name),
      ids.map((_, i) => `회의-${i}.wav`).reverse(),
    );

    // Cancelled: listed so, and found by its status.
    const cancel = await fetch(`${server.baseUrl}/result/${ids[2]}`, {
      method: 'DELETE',
      headers: { Authorization: ALICE },
    });
    assert.equal(cancel.status, 200);
    const cancelled = await listTasks(server.baseUrl, ALICE, '?status=cancelled');
    assert.deepEqual(
      cancelled.tasks.map((task) => task.task_id),
      [ids[2]],
    );
    assert.ok(cancelled.tasks[0].finished_at && cancelled.tasks[0].expires_at);
    const queued = await listTasks(server.baseUrl, ALICE, '?status=queued&limit=100');
    assert.equal(queued.tasks.length, 6);
    assert.ok(!queued.tasks.some((task) => task.task_id === ids[2]));
    assert.deepEqual((await listTasks(server.baseUrl, BOB)).tasks, [], 'another subject sees none of them');

    for (const query of ['?status=done', '?limit=0', '?limit=101', '?limit=x', '?cursor=bm90LWEtY3Vyc29y']) {
      const answer = await listTasks(server.baseUrl, ALICE, query);
      assert.equal(answer.status, 400, `${query}: ${JSON.stringify(answer.body)}`);
    }
    const unauthenticated = await getJson(`${server.baseUrl}/tasks`);
    assert.equal(unauthenticated.status, 401);
  });
});

function checkExpiryHeader(headers: Headers, retentionSeconds: number): void {
  const header = headers.get('x-result-expires-at');
  assert.ok(header, 'X-Result-Expires-At is sent with a finished result');
  const left = Date.parse(header) - Date.now();
  assert.ok(
    left > (retentionSeconds - 30) * 1000 && left <= retentionSeconds * 1000 + 1000,
    `${header}: ${left} ms left`,
  );
}
