import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeWav } from '../../libs/audio';
import { models, skipUnlessPresent } from '../support/shared-files';
import { getJson, pollUntilDone, submit } from '../e2e/support/http-client';
import { openEvents, serverSentEvents } from '../e2e/support/event-stream-client';
import { type RunningServer, sleep, TEST_TOKEN } from '../e2e/support/server-process';
import { loopedSpeech, SPEECH_FIXTURE, writeSpeechClip } from './support/audio-clips';
import { Cluster, taskInProgress, tasksLogged } from './support/cluster';
import { multipartBody } from './support/multipart';

const AUTH = `Bearer ${TEST_TOKEN}`;

const skip = skipUnlessPresent(models.whisperTiny, models.sileroVad, models.segmentation, SPEECH_FIXTURE);

describe('graceful shutdown on SIGTERM', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'reliability-shutdown-'));
  const cluster = new Cluster(undefined, { WHISPER_THREADS: '2' });
  let api: RunningServer;
  let clip: Buffer;

  before(async () => {
    clip = readFileSync(writeSpeechClip(path.join(work, 'clip.wav'), 2));
    api = await cluster.startApi();
  });
  after(async () => {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const post = async (bytes: Buffer): Promise<string> => {
    const created = await submit(api.baseUrl, AUTH, { name: 'a.wav', bytes }, { language: 'en' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return created.body.task_id as string;
  };
  const waiting = (): Promise<string[]> =>
    cluster.redis.lrange(`${cluster.prefix}:transcription:wait`, 0, -1);

  test('a worker finishes its running job within the grace period, takes no other, and exits 0', async (t) => {
    const worker = await cluster.startWorker({ SHUTDOWN_GRACE_MS: '60000' });
    const first = await post(clip);
    const second = await post(clip);
    await until(() => taskInProgress(worker.output()) === first, 60_000, 'the worker never started the job');
    const stopping = Date.now();
    worker.child.kill('SIGTERM');
    const { code, signal } = await worker.exited;
    const tookMs = Date.now() - stopping;
    t.diagnostic(`exited ${tookMs} ms after SIGTERM`);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, worker.output().slice(-3000));
    assert.ok(tasksLogged(worker.output(), 'completed').includes(first), 'the running job was finished');
    assert.ok(!tasksLogged(worker.output(), 'started').includes(second), 'no new job was taken');
    assert.deepEqual(await waiting(), [second], 'the next job still waits in the queue');
    assertCompleted(await pollUntilDone(api.baseUrl, AUTH, first));

    // Another worker picks up what was left.
    const helper = await cluster.startWorker();
    assertCompleted(await pollUntilDone(api.baseUrl, AUTH, second, { timeoutMs: 120_000 }));
    await helper.stop();
  });

  test('past the grace period the running job is handed back with its upload, and another worker completes it', async (t) => {
    const graceMs = 1500;
    const worker = await cluster.startWorker({ SHUTDOWN_GRACE_MS: String(graceMs) });
    // 5 min of speech: ten whisper.cpp windows and diarization, several seconds even on a fast machine.
    const long = await post(encodeWav(loopedSpeech(300)));
    await until(() => taskInProgress(worker.output()) === long, 60_000, 'the worker never started the job');
    await sleep(500);
    const stopping = Date.now();
    worker.child.kill('SIGTERM');
    const { code, signal } = await worker.exited;
    const tookMs = Date.now() - stopping;
    t.diagnostic(`exited ${tookMs} ms after SIGTERM (grace ${graceMs} ms)`);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, worker.output().slice(-3000));
    // whisper.cpp stops at its next abort check (one window at most) once the grace is over.
    assert.ok(tookMs < graceMs + 10_000, `took ${tookMs} ms`);
    assert.ok(tasksLogged(worker.output(), 'handed back').includes(long), worker.output().slice(-3000));
    assert.ok((await waiting()).includes(long), 'the job is back in the queue');
    assert.equal(await cluster.redis.exists(`${cluster.prefix}:result:${long}`), 0, 'no result was stored');
    assert.ok(existsSync(path.join(cluster.uploadDir, long)), 'the upload is kept for the next worker');
    const meanwhile = await getJson(`${api.baseUrl}/result/${long}`, { Authorization: AUTH });
    assert.ok(
      ['pending', 'processing'].includes(meanwhile.body.status as string),
      JSON.stringify(meanwhile.body),
    );

    const next = await cluster.startWorker();
    const body = await pollUntilDone(api.baseUrl, AUTH, long, { timeoutMs: 240_000, intervalMs: 250 });
    assertCompleted(body);
    assert.ok(tasksLogged(next.output(), 'completed').includes(long));
    await until(() => !existsSync(path.join(cluster.uploadDir, long)), 5000, 'the upload was not deleted');
  });

  test('the API finishes an upload in flight when SIGTERM arrives, then exits 0', async () => {
    const stoppingApi = await cluster.startApi();
    const form = multipartBody([
      { name: 'file', filename: 'slow.wav', data: clip, contentType: 'audio/wav' },
      { name: 'language', data: 'en' },
    ]);
    const half = Math.floor(form.body.length / 2);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${stoppingApi.baseUrl}/transcribe`, {
        method: 'POST',
        headers: {
          Authorization: AUTH,
          'Content-Type': form.contentType,
          'Content-Length': form.body.length,
        },
      });
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (part: string) => (text += part));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
      request.write(form.body.subarray(0, half));
      // The rest arrives after the signal, as from a slow client.
      setTimeout(() => {
        stoppingApi.child.kill('SIGTERM');
        setTimeout(() => request.end(form.body.subarray(half)), 1000);
      }, 300);
    });
    const { status, body } = await answer;
    assert.equal(status, 200, body);
    const taskId = (JSON.parse(body) as { task_id: string }).task_id;
    const { code, signal } = await stoppingApi.exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, stoppingApi.output().slice(-3000));
    // The job was queued before the API went; the other API serves its result.
    assertCompleted(await pollUntilDone(api.baseUrl, AUTH, taskId, { timeoutMs: 120_000 }));
  });

  test('open event streams end at once on SIGTERM instead of holding the drain, and the API exits 0', async () => {
    const stoppingApi = await cluster.startApi();
    const response = await openEvents(stoppingApi.baseUrl, randomUUID(), TEST_TOKEN);
    const events = serverSentEvents(response);
    assert.equal((await events.next()).value?.event, 'pending', 'the stream is open and waiting');
    const signalled = Date.now();
    stoppingApi.child.kill('SIGTERM');
    // The stream ends (without a final event: its client reconnects elsewhere and loses nothing).
    assert.equal((await events.next()).done, true);
    const { code } = await stoppingApi.exited;
    assert.equal(code, 0, stoppingApi.output().slice(-3000));
    const seconds = (Date.now() - signalled) / 1000;
    assert.ok(seconds < 10, `exited ${seconds.toFixed(1)} s after SIGTERM (the drain lasts up to 15 s)`);
  });
});

function assertCompleted(body: Record<string, unknown>): void {
  assert.equal(body.status, 'completed', JSON.stringify(body));
}

async function until(condition: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, message);
    await sleep(20);
  }
}
