import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeWav, readWavFile, writeWavFile } from '../../libs/audio';
import { mintToken } from '../../src/auth/mint-token';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { assertFailedShape, assertIntermediateShape } from './support/contract-shapes';
import { getJson, pollUntilDone, submit } from './support/http-client';
import { JWT_SECRET, type RunningServer, sleep, startServer, TEST_TOKEN } from './support/server-process';

const MAX_UPLOAD_BYTES = 24 * 1024 * 1024;
const RESULT_TTL_MS = 1500;
const JOB_TIMEOUT_MS = 6000;
/**
 * whisper.cpp reads the abort flag between windows and decoder steps, not inside an encoder pass or
 * the mel computation: one window may finish first (seconds on a busy 2-core machine). Abandoned,
 * the 40 windows of the test file would keep the cores busy for far longer.
 */
const IDLE_WITHIN_MS = 12_000;

const skip = skipUnlessPresent(models.whisperTiny, models.segmentation, fixtures.audio('conv-en-2spk.wav'));

describe('configured limits: upload size, result TTL, job timeout, TEST_TOKEN unset', { skip }, () => {
  let server: RunningServer;
  const token = `Bearer ${mintToken(JWT_SECRET, 'limits-user', '10m')}`;
  const work = mkdtempSync(path.join(tmpdir(), 'e2e-limits-'));

  before(async () => {
    server = await startServer({
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
      RESULT_TTL_MS: String(RESULT_TTL_MS),
      JOB_TIMEOUT_MS: String(JOB_TIMEOUT_MS),
      TEST_TOKEN: undefined,
      // Without VAD whisper.cpp works through every window: a long, steady native workload.
      VAD_MODEL_PATH: undefined,
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('an upload over MAX_UPLOAD_BYTES answers 413 and leaves no file', async () => {
    const silence = encodeWav(new Float32Array(MAX_UPLOAD_BYTES / 2 + 1000));
    const response = await submit(server.baseUrl, token, { name: 'big.wav', bytes: silence });
    assert.equal(response.status, 413);
    assert.match(response.body.detail as string, /larger than the limit of 24 MiB/);
    assert.deepEqual(server.uploadsLeft(), []);
    assert.equal((await fetch(`${server.baseUrl}/health`)).status, 200);
  });

  test('with TEST_TOKEN unset, the test token is just another invalid token', async () => {
    const response = await submit(server.baseUrl, `Bearer ${TEST_TOKEN}`, fixtures.audio('conv-en-2spk.wav'));
    assert.equal(response.status, 401);
  });

  test('an unread result expires after RESULT_TTL_MS and then answers pending', async () => {
    const clip = path.join(work, 'clip.wav');
    const { samples } = readWavFile(fixtures.audio('conv-en-2spk.wav'));
    writeWavFile(clip, samples.subarray(0, 16000 * 4));
    const created = await submit(server.baseUrl, token, clip);
    assert.equal(created.status, 200);
    const taskId = created.body.task_id as string;
    const key = `${server.prefix}:result:${taskId}`;
    // Watch Redis rather than GET /result: a GET of a finished result would deliver it.
    const deadline = Date.now() + 60_000;
    while ((await server.redis.exists(key)) === 0) {
      assert.ok(Date.now() < deadline, 'the job did not finish');
      await sleep(50);
    }
    const ttl = await server.redis.pttl(key);
    assert.ok(ttl > 0 && ttl <= RESULT_TTL_MS, `TTL ${ttl} ms`);
    await sleep(RESULT_TTL_MS + 300);
    assert.equal(await server.redis.exists(key), 0, 'the result expired');
    const body = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: token });
    assert.deepEqual(body.body, { status: 'pending' });
  });

  test('a job past JOB_TIMEOUT_MS fails with a clear error and the worker goes idle at once', async (t) => {
    // Twenty minutes of speech (8 kHz keeps the upload small): about 40 windows of whisper.cpp work,
    // far more than the deadline, so that work left running after the abort would show.
    const { samples } = readWavFile(fixtures.audio('conv-en-2spk.wav'));
    const halfRate = samples.filter((_, i) => i % 2 === 0);
    const long = new Float32Array(halfRate.length * 40);
    for (let i = 0; i < 40; i++) long.set(halfRate, i * halfRate.length);
    const longFile = path.join(work, 'long.wav');
    writeWavFile(longFile, long, 8000);

    const started = Date.now();
    // A fixed language: auto-detection's encoder pass cannot be interrupted either.
    const created = await submit(
      server.baseUrl,
      token,
      { name: 'long.wav', bytes: readFileSync(longFile) },
      { language: 'en' },
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const taskId = created.body.task_id as string;

    // Wait until it transcribes, and check that the measurement sees the native work.
    const transcribingBy = Date.now() + 10_000;
    for (;;) {
      const { body } = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: token });
      assertIntermediateShape(body as { status: string });
      if (body.info === 'transcribing') break;
      assert.ok(Date.now() < transcribingBy, `never saw the transcribing stage: ${JSON.stringify(body)}`);
      await sleep(50);
    }
    const busyCpu = await cpuShare(server.pid, 1000);
    assert.ok(
      busyCpu > 0.5,
      `whisper.cpp used only ${(busyCpu * 100).toFixed(0)} % of a core while transcribing`,
    );

    const body = await pollUntilDone(server.baseUrl, token, taskId, {
      timeoutMs: 60_000,
      intervalMs: 50,
      onIntermediate: assertIntermediateShape,
    });
    const failedAfter = Date.now() - started;
    assertFailedShape(body);
    assert.match(body.error as string, /longer than the limit of 6 s \(JOB_TIMEOUT_MS\)/);
    assert.ok(failedAfter < JOB_TIMEOUT_MS + 3000, `failed after ${failedAfter} ms`);

    // The native work really stops: whisper.cpp (v1.9.1) checks its abort flag between graph
    // computations, so the window being encoded may finish first, but nothing runs on after that.
    const abortedAt = Date.now();
    let idleAfterMs: number | null = null;
    while (Date.now() - abortedAt < IDLE_WITHIN_MS) {
      if ((await cpuShare(server.pid, 500)) < 0.1) {
        idleAfterMs = Date.now() - abortedAt;
        break;
      }
    }
    assert.ok(idleAfterMs !== null, `the server was still busy ${IDLE_WITHIN_MS} ms after the timeout`);
    t.diagnostic(`the worker went idle ${idleAfterMs} ms after the job failed`);
    const afterwards = await cpuShare(server.pid, 1500);
    assert.ok(afterwards < 0.15, `the server used ${(afterwards * 100).toFixed(0)} % of a core once idle`);

    const deadline = Date.now() + 5000;
    while (server.uploadsLeft().length > 0 && Date.now() < deadline) await sleep(50);
    assert.deepEqual(server.uploadsLeft(), []);
  });
});

/** Share of one core the process used over the next `ms` milliseconds (from /proc/PID/stat). */
async function cpuShare(pid: number, ms: number): Promise<number> {
  const ticks = (): number => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 per second)
  };
  const before = ticks();
  await sleep(ms);
  return (ticks() - before) / 100 / (ms / 1000);
}
