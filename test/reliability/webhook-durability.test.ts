import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getJson, submit } from '../e2e/support/http-client';
import { type RunningServer, sleep, TEST_TOKEN } from '../e2e/support/server-process';
import { models, skipUnlessPresent } from '../support/shared-files';
import { reply, startReceiver, type Receiver } from '../webhooks/receiver';
import { SPEECH_FIXTURE, writeSpeechClip } from './support/audio-clips';
import { Cluster, tasksLogged } from './support/cluster';

const AUTH = `Bearer ${TEST_TOKEN}`;
const SECRET = 'webhook-secret-for-the-durability-test';
/** The receiver's own credential, which the client asks the server to send with every delivery. */
const RECEIVER_HEADER = 'X-Receiver-Token';
const RECEIVER_TOKEN = 'rcv-token-7c1d9e0f2a4b6c8d';
const WEBHOOK_ENV = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_SECRET: SECRET,
  // Short Bull locks: a dead worker's delivery is taken over in seconds, not minutes.
  QUEUE_LOCK_DURATION_MS: '2000',
  QUEUE_STALLED_INTERVAL_MS: '1000',
};

const skip = skipUnlessPresent(models.whisperTiny, models.sileroVad, models.segmentation, SPEECH_FIXTURE);

async function until(condition: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('webhooks are delivered from Redis, whichever process dies (issue 12, item 2)', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'reliability-webhooks-'));
  // Every log line written (trace), so that the check that the auth header is never logged means something.
  const cluster = new Cluster(undefined, { ...WEBHOOK_ENV, WHISPER_THREADS: '1' });
  const TRACE = { LOG_LEVEL: 'trace' };
  let receiver: Receiver;
  let api: RunningServer;

  before(async () => {
    // 1st request: no answer at all (its worker is killed meanwhile); 2nd: 503 (a retry with backoff,
    // during which that worker is stopped too); 3rd: 200.
    receiver = await startReceiver(SECRET, (index, res) => {
      if (index === 1) reply(res, 503);
      else if (index >= 2) reply(res, 200);
    });
    api = await cluster.startApi(TRACE);
  });
  after(async () => {
    await cluster.stop();
    await receiver?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('killed before the receiver answers, restarted in the backoff: the event still arrives, same id', async (t) => {
    const first = await cluster.startWorker(TRACE);
    const clip = readFileSync(writeSpeechClip(path.join(work, 'clip.wav'), 2));
    const created = await submit(
      api.baseUrl,
      AUTH,
      { name: 'clip.wav', bytes: clip },
      {
        language: 'en',
        callback_url: receiver.url('/hooks/speech?tenant=7'),
        callback_auth_header_name: RECEIVER_HEADER,
        callback_auth_header_value: RECEIVER_TOKEN,
      },
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const taskId = created.body.task_id as string;

    // The job ends, the delivery goes out and hangs: the worker dies before the receiver answers.
    await receiver.waitForRequests(1, 120_000);
    await until(() => tasksLogged(first.output(), 'completed').includes(taskId), 'the job to end');
    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    t.diagnostic('worker 1 killed (SIGKILL) while its delivery waited for an answer');

    // A new worker takes the delivery over once the dead one's lock lapses; the receiver answers 503.
    const second = await cluster.startWorker(TRACE);
    await receiver.waitForRequests(2, 60_000);
    // Stopped during the retry's backoff: the retry waits in Redis, not in this process.
    await second.stop();
    t.diagnostic('worker 2 stopped (SIGTERM) during the backoff after a 503');
    const third = await cluster.startWorker(TRACE);
    await receiver.waitForRequests(3, 60_000);
    await sleep(1500);

    const requests = receiver.requests;
    assert.equal(requests.length, 3, 'delivered once it was answered 200, and not again');
    const ids = new Set(requests.map((r) => r.headers['x-webhook-id']));
    assert.equal(ids.size, 1, 'one X-Webhook-Id on every attempt');
    assert.deepEqual(
      requests.map((r) => r.headers['x-webhook-attempt']),
      ['1', '2', '3'],
    );
    for (const request of requests) {
      assert.equal(request.body, requests[0].body, 'the same payload every time');
      assert.ok(request.verifiedByLibrary && request.verifiedIndependently, 'signed');
      assert.equal(request.path, '/hooks/speech?tenant=7');
      assert.equal(request.headers[RECEIVER_HEADER.toLowerCase()], RECEIVER_TOKEN);
    }
    const payload = JSON.parse(requests[2].body) as Record<string, unknown>;
    assert.equal(payload.event, 'task.completed');
    assert.equal(payload.task_id, taskId);

    // The result is still there for its owner; the receiver's secret appears in no answer and no log.
    const answer = await getJson(`${api.baseUrl}/result/${taskId}`, { Authorization: AUTH });
    assert.equal(answer.body.status, 'completed');
    assert.ok(!JSON.stringify(answer.body).includes(RECEIVER_TOKEN));
    for (const process of [api, first, second, third]) {
      assert.ok(!process.output().includes(RECEIVER_TOKEN), `process ${process.pid} logged the auth header`);
    }
  });
});
