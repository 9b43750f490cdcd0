import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { assertCompletedShape, assertFailedShape } from '../e2e/support/contract-shapes';
import { pollUntilDone, type ResultBody, submit } from '../e2e/support/http-client';
import { type RunningServer, sleep, startServer, TEST_TOKEN } from '../e2e/support/server-process';
import { SPEECH_FIXTURE, writeSpeechClip } from './support/audio-clips';
import { NO_RATE_LIMITS } from './support/cluster';
import { buildHostileCorpus, type HostileCase } from './support/hostile-corpus';
import { type FormPart, multipartBody, postRaw } from './support/multipart';
import { ReadWatch } from './support/read-watch';

const AUTH = `Bearer ${TEST_TOKEN}`;

const skip = skipUnlessPresent(
  models.whisperTiny,
  models.sileroVad,
  models.segmentation,
  SPEECH_FIXTURE,
  fixtures.audio('conv-en-2spk.mp3'),
  fixtures.audio('conv-en-2spk.flac'),
);

describe('hostile and broken input: a clear 4xx or a clean end, never a 5xx or a crash', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'reliability-hostile-'));
  // Valid audio outside the upload folder that every playlist of the corpus points at.
  const canary = path.join(work, 'canary.wav');
  const cases: HostileCase[] = skip ? [] : buildHostileCorpus(work, canary);
  const clip = path.join(work, 'clip.wav');
  const shortClip = path.join(work, 'short.wav');
  let server: RunningServer;
  const reads = new ReadWatch();
  let atimeTracked = false;

  before(async () => {
    writeSpeechClip(canary, 2);
    writeSpeechClip(clip, 3);
    writeSpeechClip(shortClip, 1);
    reads.watch(canary);
    atimeTracked = ReadWatch.works(work);
    server = await startServer(NO_RATE_LIMITS);
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  for (const entry of cases) {
    test(`${entry.name} (sent as ${entry.sentAs})`, async (t) => {
      // A fixed language: auto-detection would multiply whisper.cpp's work on the valid files.
      const response = await submit(
        server.baseUrl,
        AUTH,
        { name: entry.sentAs, bytes: entry.bytes },
        { language: 'en' },
      );
      assert.ok(response.status < 500, `HTTP ${response.status}: ${JSON.stringify(response.body)}`);
      if (response.status !== 200) {
        assert.ok(
          entry.expect === 'refused' || entry.expect === 'refusedOrFailed',
          `refused with ${response.status}, expected ${entry.expect}: ${JSON.stringify(response.body)}`,
        );
        if (entry.status) assert.equal(response.status, entry.status, JSON.stringify(response.body));
        assert.ok(response.status >= 400 && response.status < 500);
        assert.equal(response.body.statusCode, response.status);
        assert.ok(typeof response.body.detail === 'string' && response.body.detail.length > 0);
        t.diagnostic(`HTTP ${response.status}: ${response.body.detail.slice(0, 160)}`);
      } else {
        assert.notEqual(entry.expect, 'refused', `accepted: ${JSON.stringify(response.body)}`);
        const body = await pollUntilDone(server.baseUrl, AUTH, response.body.task_id as string, {
          timeoutMs: 120_000,
          intervalMs: 100,
        });
        checkOutcome(entry, body);
        t.diagnostic(`accepted, then ${JSON.stringify(body).slice(0, 200)}`);
      }
      await assertServing(server);
    });
  }

  test('a file name with ../ or an absolute path is only a name: the upload lands in the upload folder', async () => {
    const marker = `reliability-traversal-${process.pid}-${Date.now()}`;
    const targets = [
      path.join(tmpdir(), `${marker}.wav`),
      path.join(path.dirname(server.uploadDir), `${marker}-sibling.wav`),
      path.join(work, `${marker}-work.wav`),
    ];
    const names = [
      `../../../../../../..${targets[0]}`,
      `../${path.basename(targets[1])}`,
      targets[2],
      `..\\..\\..\\${marker}.wav`,
      `%2e%2e%2f%2e%2e%2f${marker}.wav`,
    ];
    const bytes = readFileSync(shortClip);
    const taskIds: string[] = [];
    for (const filename of names) {
      const answer = await postRaw(
        server.baseUrl,
        AUTH,
        multipartBody([
          { name: 'file', filename, data: bytes, contentType: 'audio/wav' },
          { name: 'language', data: 'en' },
        ]),
      );
      assert.equal(answer.status, 200, `${filename}: ${JSON.stringify(answer.body)}`);
      const taskId = answer.body.task_id as string;
      // Stored under the task id alone, inside the upload folder.
      assert.ok(existsSync(path.join(server.uploadDir, taskId)) || (await finishedAlready(server, taskId)));
      taskIds.push(taskId);
    }
    for (const taskId of taskIds) {
      assertCompletedShape(await pollUntilDone(server.baseUrl, AUTH, taskId, { timeoutMs: 120_000 }));
    }
    for (const target of targets) assert.equal(existsSync(target), false, `${target} was written`);
  });

  test('a form without the file field, with two files, or the file under another name answers 400', async () => {
    const wav = readFileSync(clip);
    const file = (name = 'file'): FormPart => ({
      name,
      filename: 'a.wav',
      data: wav,
      contentType: 'audio/wav',
    });
    const forms: [string, FormPart[], RegExp][] = [
      ['no file field', [{ name: 'language', data: 'en' }], /no file/],
      ['two file fields', [file(), file()], /exactly one file/],
      ['the file under another field', [file('audio')], /unexpected file field "audio"/],
      ['a file field plus a stray one', [file(), file('extra')], /exactly one file|unexpected file field/],
    ];
    for (const [label, parts, detail] of forms) {
      const answer = await postRaw(server.baseUrl, AUTH, multipartBody(parts));
      assert.equal(answer.status, 400, `${label}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.body.detail as string, detail, label);
    }
    const json = await fetch(`${server.baseUrl}/transcribe`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ file: 'AAAA' }),
    });
    assert.equal(json.status, 400, 'a JSON body instead of a form');
    await assertNoUploadsLeft(server);
  });

  test('huge or countless text fields and a form cut short answer 4xx without storing anything', async () => {
    const wav = readFileSync(clip);
    const file: FormPart = { name: 'file', filename: 'a.wav', data: wav, contentType: 'audio/wav' };
    const hugePrompt = { name: 'initial_prompt', data: 'x'.repeat(4 * 1024 * 1024) };
    const manyFields = Array.from({ length: 500 }, (_, i) => ({ name: `field${i}`, data: 'value' }));
    const forms: [string, { contentType: string; body: Uint8Array }][] = [
      ['a 4 MiB prompt before the file', multipartBody([hugePrompt, file])],
      ['a 4 MiB prompt after the file', multipartBody([file, hugePrompt])],
      ['500 text fields', multipartBody([...manyFields, file])],
      ['a 1001-character prompt', multipartBody([file, { name: 'initial_prompt', data: 'y'.repeat(1001) }])],
      ['a form cut off inside the file', multipartBody([file], { truncateTo: 30_000 })],
    ];
    for (const [label, form] of forms) {
      const answer = await postRaw(server.baseUrl, AUTH, form);
      assert.ok(answer.status >= 400 && answer.status < 500, `${label}: HTTP ${answer.status}`);
      assert.ok(typeof answer.body.detail === 'string', `${label}: ${JSON.stringify(answer.body)}`);
    }
    await assertNoUploadsLeft(server);
    await assertServing(server);
  });

  test('afterwards: nothing outside the upload was read, no upload is left, no error was logged', async (t) => {
    if (atimeTracked) {
      t.diagnostic('access times are tracked here: the canary check is active');
      assert.equal(reads.wasRead(canary), false, 'a playlist target outside the upload was read');
    } else {
      // Mounted noatime: the refusals above (415 before any decode) are the evidence left.
      t.diagnostic('access times are not tracked on this filesystem: the canary check is skipped');
    }
    await assertNoUploadsLeft(server);
    assert.equal(server.child.exitCode, null, 'the server is still running');
    const errors = server
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":50'));
    assert.deepEqual(errors, [], 'errors were logged');
    // And it still does real work.
    const response = await submit(server.baseUrl, AUTH, clip, { language: 'en' });
    assertCompletedShape(await pollUntilDone(server.baseUrl, AUTH, response.body.task_id as string));
  });
});

function checkOutcome(entry: HostileCase, body: ResultBody): void {
  const context = `${entry.name}: ${JSON.stringify(body)}`;
  if (body.status === 'failed') {
    assert.ok(['refusedOrFailed', 'failed', 'decodable'].includes(entry.expect), context);
    assertFailedShape(body);
    assert.doesNotMatch(body.error as string, /root:|canary/, 'the error reveals nothing read elsewhere');
    return;
  }
  assert.ok(['decodable', 'completes', 'silent'].includes(entry.expect), context);
  assertCompletedShape(body);
  // Silence gives an empty result, not hallucinated text.
  if (entry.expect === 'silent') assert.deepEqual(body.results, [], context);
}

async function assertServing(server: RunningServer): Promise<void> {
  const health = await fetch(`${server.baseUrl}/health`);
  assert.equal(health.status, 200, 'the server serves the next request');
}

async function assertNoUploadsLeft(server: RunningServer): Promise<void> {
  const deadline = Date.now() + 5000;
  while (server.uploadsLeft().length > 0 && Date.now() < deadline) await sleep(50);
  assert.deepEqual(server.uploadsLeft(), [], 'no upload is left behind');
}

/** The upload of an accepted task may already be gone when its job was that quick. */
async function finishedAlready(server: RunningServer, taskId: string): Promise<boolean> {
  return (await server.redis.exists(`${server.prefix}:result:${taskId}`)) === 1;
}
