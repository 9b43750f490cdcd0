import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import Redis from 'ioredis';
import { readWavFile, writeWavFile } from '../../libs/audio';
import { computeDer } from '../../libs/diarization';
import { parseRttm } from '../../libs/formats';
import { TEST_TOKEN_SUBJECT } from '../../src/auth/authenticated-user';
import { mintToken } from '../../src/auth/mint-token';
import { readVtt } from '../formats/subtitle-parsers';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { assertCompletedShape, assertIntermediateShape } from './support/contract-shapes';
import { getJson, pollUntilDone, submit } from './support/http-client';
import {
  JWT_SECRET,
  type RunningServer,
  sleep,
  startServer,
  TEST_REDIS_URL,
  TEST_TOKEN,
} from './support/server-process';

const AUTH = `Bearer ${TEST_TOKEN}`;
const WAV = fixtures.audio('conv-en-2spk.wav');
const RTTM = fixtures.audio('conv-en-2spk.rttm');
const skip = skipUnlessPresent(models.whisperTiny, models.sileroVad, models.segmentation, WAV, RTTM);

/** CPU seconds (user + system) the process has used so far, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('HTTP additions: formats, word timestamps, speaker bounds, cancellation, /diarize', { skip }, () => {
  let server: RunningServer;
  const work = mkdtempSync(path.join(tmpdir(), 'e2e-additions-'));
  const longWav = path.join(work, 'long.wav');

  before(async () => {
    // Ten times the conversation (about 5 min): long enough to be caught running.
    const { samples } = readWavFile(WAV);
    const long = new Float32Array(samples.length * 10);
    for (let i = 0; i < 10; i++) long.set(samples, i * samples.length);
    writeWavFile(longWav, long);
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const result = (taskId: string, query = ''): Promise<Response> =>
    fetch(`${server.baseUrl}/result/${taskId}${query}`, { headers: { Authorization: AUTH } });

  test('a result stored by the previous version, still undelivered, is delivered after the upgrade', async () => {
    // The previous version stored the contract's body itself as `json`, beside its owner.
    const legacy = {
      completed: JSON.stringify({
        status: 'completed',
        results: [
          { speaker: 0, start: 0.5, end: 2.25, text: 'Hello there.' },
          { speaker: 1, start: 2.5, end: 4, text: 'Fine, thanks.' },
        ],
      }),
      failed: JSON.stringify({ status: 'failed', error: 'cannot decode audio: no audio stream' }),
    };
    const redis = new Redis(TEST_REDIS_URL);
    try {
      for (const [name, json] of Object.entries(legacy)) {
        const taskId = randomUUID();
        await redis.hset(`${server.prefix}:result:${taskId}`, 'owner', TEST_TOKEN_SUBJECT, 'json', json);
        await redis.pexpire(`${server.prefix}:result:${taskId}`, 60_000);
        const first = await result(taskId);
        assert.equal(first.status, 200);
        assert.equal(await first.text(), json, `the ${name} body byte for byte`);
        assert.deepEqual(await (await result(taskId)).json(), { status: 'pending' }, 'delivered once');
      }
    } finally {
      redis.disconnect();
    }
  });

  test('contradictory speaker fields are a 400 and leave no upload; bounds alone are accepted', async () => {
    const contradictions: Record<string, string>[] = [
      { min_speakers: '3', max_speakers: '2' },
      { speaker_count: '3', max_speakers: '2' },
      { speaker_count: '1', min_speakers: '2' },
      { min_speakers: 'two' },
    ];
    for (const fields of contradictions) {
      const response = await submit(server.baseUrl, AUTH, WAV, fields);
      assert.equal(response.status, 400, JSON.stringify(fields));
      assert.ok(typeof response.body.detail === 'string');
    }
    assert.deepEqual(server.uploadsLeft(), []);
    const accepted = await submit(server.baseUrl, AUTH, WAV, { min_speakers: '2', max_speakers: '3' });
    assert.equal(accepted.status, 200);
    assertCompletedShape(await pollUntilDone(server.baseUrl, AUTH, accepted.body.task_id as string));
  });

  test('?format: an unknown one is a 400; intermediate answers stay JSON; a completed vtt is delivered once', async () => {
    const { body } = await submit(server.baseUrl, AUTH, WAV, { word_timestamps: 'true', language: 'en' });
    const taskId = body.task_id as string;
    assert.equal((await result(taskId, '?format=docx')).status, 400);
    let text = '';
    await waitFor(async () => {
      const response = await result(taskId, '?format=vtt');
      assert.equal(response.status, 200);
      const type = response.headers.get('content-type') ?? '';
      if (type.startsWith('application/json')) {
        const answer = (await response.json()) as Record<string, unknown> & { status: string };
        assert.notEqual(answer.status, 'failed', JSON.stringify(answer));
        assertIntermediateShape(answer);
        return undefined;
      }
      assert.match(type, /^text\/vtt/);
      text = await response.text();
      return true;
    }, 'the vtt result');
    assert.ok(text.startsWith('WEBVTT'));
    readVtt(text);
    assert.deepEqual(
      (await getJson(`${server.baseUrl}/result/${taskId}?format=vtt`, { Authorization: AUTH })).body,
      {
        status: 'pending',
      },
    );
  });

  test('?wait: out of range is a 400; one waiting GET gets the result as soon as it is stored', async () => {
    const { body } = await submit(server.baseUrl, AUTH, WAV, { language: 'en' });
    const taskId = body.task_id as string;
    for (const wait of ['-1', '31', 'soon', '1,2']) {
      assert.equal((await result(taskId, `?wait=${wait}`)).status, 400, `wait=${wait}`);
    }
    const started = Date.now();
    const response = await result(taskId, '?wait=30');
    assert.equal(response.status, 200);
    const answer = (await response.json()) as Record<string, unknown> & { status: string };
    assertCompletedShape(answer);
    assert.ok(Date.now() - started < 29_000, 'answered when the task finished, not when the wait ran out');
    // Delivered once, as without wait; a wait on a delivered task runs out and answers pending.
    assert.deepEqual(await (await result(taskId, '?wait=0.2')).json(), { status: 'pending' });
  });

  test('DELETE: unknown and foreign ids get the same 404; a waiting and a running job are cancelled', async () => {
    const unknown = await fetch(`${server.baseUrl}/result/0b5f6a2e-3c1d-4e8f-9a7b-2c4d6e8f0a1b`, {
      method: 'DELETE',
      headers: { Authorization: AUTH },
    });
    assert.equal(unknown.status, 404);
    const unknownBody = (await unknown.json()) as Record<string, unknown>;

    const running = (await submit(server.baseUrl, AUTH, longWav, { language: 'en' })).body.task_id as string;
    const waiting = (await submit(server.baseUrl, AUTH, longWav, { language: 'en' })).body.task_id as string;
    const stranger = `Bearer ${mintToken(JWT_SECRET, 'someone-else', '1h')}`;
    const foreign = await fetch(`${server.baseUrl}/result/${running}`, {
      method: 'DELETE',
      headers: { Authorization: stranger },
    });
    assert.equal(foreign.status, 404);
    const foreignBody = (await foreign.json()) as Record<string, unknown>;
    assert.equal(foreignBody.statusCode, unknownBody.statusCode);
    assert.equal(foreignBody.error, unknownBody.error);

    await waitFor(async () => {
      const { body } = await getJson(`${server.baseUrl}/result/${running}`, { Authorization: AUTH });
      return body.status === 'processing' && body.info === 'transcribing' ? true : undefined;
    }, 'the long job to be transcribing');

    // The waiting one first: it leaves the queue and its upload is deleted at once.
    const cancelWaiting = await fetch(`${server.baseUrl}/result/${waiting}`, {
      method: 'DELETE',
      headers: { Authorization: AUTH },
    });
    assert.equal(cancelWaiting.status, 200);
    assert.deepEqual(await cancelWaiting.json(), { task_id: waiting, status: 'cancelled' });
    assert.ok(!server.uploadsLeft().includes(waiting), 'the waiting upload is deleted');

    const cancelRunning = await fetch(`${server.baseUrl}/result/${running}`, {
      method: 'DELETE',
      headers: { Authorization: AUTH },
    });
    assert.equal(cancelRunning.status, 200);
    assert.deepEqual((await getJson(`${server.baseUrl}/result/${running}`, { Authorization: AUTH })).body, {
      status: 'pending',
    });
    // The worker notices within its poll interval and aborts whisper.cpp; then the process idles.
    await sleep(2000);
    const before = cpuSeconds(server.pid);
    await sleep(2000);
    const used = cpuSeconds(server.pid) - before;
    assert.ok(used < 0.4, `the server used ${used.toFixed(2)} CPU s in 2 s after the cancel`);
    assert.deepEqual(server.uploadsLeft(), []);
    for (const taskId of [running, waiting]) {
      assert.deepEqual((await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: AUTH })).body, {
        status: 'pending',
      });
    }
    assert.doesNotMatch(server.output(), /failed after/);
  });

  test('POST /diarize: speaker turns within 12 % DER of the reference, as JSON and as RTTM', async () => {
    const reference = parseRttm(readFileSync(RTTM, 'utf8'));
    // A /transcribe job alongside: the two modes share the queue and the workers.
    const asJson = await submit(server.baseUrl, AUTH, WAV, {});
    const form = new FormData();
    form.append('file', new Blob([readFileSync(WAV)]), 'conv.wav');
    const post = async (): Promise<string> => {
      const response = await fetch(`${server.baseUrl}/diarize`, {
        method: 'POST',
        body: form,
        headers: { Authorization: AUTH },
      });
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.deepEqual(Object.keys(body), ['task_id']);
      return body.task_id as string;
    };
    const first = await post();
    const stages: string[] = [];
    const done = await pollUntilDone(server.baseUrl, AUTH, first, {
      onIntermediate: (body) => {
        if (body.status === 'processing') stages.push(body.info as string);
      },
    });
    assert.equal(done.status, 'completed', JSON.stringify(done));
    const turns = done.results as { speaker: number; start: number; end: number }[];
    for (const turn of turns) assert.deepEqual(Object.keys(turn).sort(), ['end', 'speaker', 'start']);
    assert.ok(
      stages.every((stage) => stage === 'initializing' || stage === 'diarizing'),
      stages.join(),
    );
    const der = computeDer(reference, turns).der;
    assert.ok(der <= 0.12, `DER ${(der * 100).toFixed(1)} %`);

    const second = await post();
    const rttm = await waitFor(async () => {
      const response = await result(second, '?format=rttm');
      return (response.headers.get('content-type') ?? '').startsWith('text/plain')
        ? response.text()
        : undefined;
    }, 'the rttm result');
    const parsed = parseRttm(rttm);
    assert.ok(parsed.every((turn) => turn.fileId === second));
    assert.ok(computeDer(reference, parsed).der <= 0.12);
    await pollUntilDone(server.baseUrl, AUTH, asJson.body.task_id as string);
  });
});
