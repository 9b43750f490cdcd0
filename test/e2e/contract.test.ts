import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mintToken } from '../../src/auth/mint-token';
import { writeVideoWithoutAudio } from '../support/media';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import {
  assertCompletedShape,
  assertFailedShape,
  assertIntermediateShape,
  STAGES,
} from './support/contract-shapes';
import { getJson, pollUntilDone, submit } from './support/http-client';
import { forgeJwt, nowSeconds } from './support/jwt';
import { JWT_SECRET, type RunningServer, sleep, startServer, TEST_TOKEN } from './support/server-process';

const CONTAINERS = ['wav', 'mp3', 'flac', 'ogg', 'm4a', 'aiff', 'opus', 'webm', 'mp4', 'avi', 'mov', 'mkv'];
const BAD_FILES = [
  'empty.wav',
  'text-renamed.wav',
  'png-renamed.mp3',
  'pdf-renamed.flac',
  'truncated.mp3',
  'header-only.wav',
];
const AUTH = `Bearer ${TEST_TOKEN}`;

const skip = skipUnlessPresent(
  models.whisperTiny,
  models.sileroVad,
  models.segmentation,
  fixtures.audio('conv-en-2spk.wav'),
  fixtures.audio('conv-ko-2spk.wav'),
  fixtures.audio('conv-en-3spk-overlap.wav'),
  fixtures.bad('empty.wav'),
);

describe('the HTTP contract, end to end (real server, Redis, worker)', { skip }, () => {
  let server: RunningServer;
  const work = mkdtempSync(path.join(tmpdir(), 'e2e-contract-'));

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('every fixture (all 12 containers) goes from pending/processing to completed; a second GET answers pending', async () => {
    // The 12 encodings of conv-en-2spk, plus the other conversations (Korean, 3 speakers).
    const files = [
      ...CONTAINERS.map((extension) => ({
        name: `conv-en-2spk.${extension}`,
        language: 'en',
        speakers: '2',
      })),
      { name: 'conv-ko-2spk.wav', language: 'ko', speakers: '2' },
      { name: 'conv-en-3spk-overlap.wav', language: 'en', speakers: '3' },
    ];
    const submitted: { extension: string; taskId: string }[] = [];
    for (const file of files) {
      const response = await submit(server.baseUrl, AUTH, fixtures.audio(file.name), {
        speaker_count: file.speakers,
        language: file.language,
      });
      assert.equal(response.status, 200, `${file.name}: ${JSON.stringify(response.body)}`);
      assert.deepEqual(Object.keys(response.body), ['task_id']);
      submitted.push({ extension: file.name, taskId: response.body.task_id as string });
    }
    let sawProcessing = false;
    await Promise.all(
      submitted.map(async ({ extension, taskId }) => {
        let stageIndex = -1;
        const body = await pollUntilDone(server.baseUrl, AUTH, taskId, {
          timeoutMs: 240_000,
          intervalMs: 150,
          onIntermediate: (intermediate) => {
            assertIntermediateShape(intermediate);
            if (intermediate.status !== 'processing') return;
            sawProcessing = true;
            const index = STAGES.indexOf(intermediate.info as string);
            assert.ok(index >= stageIndex, `${extension}: stage went back to ${String(intermediate.info)}`);
            stageIndex = index;
          },
        });
        assert.equal(body.status, 'completed', `${extension}: ${JSON.stringify(body)}`);
        assertCompletedShape(body);
        const again = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: AUTH });
        assert.deepEqual(again.body, { status: 'pending' }, `${extension}: second GET`);
      }),
    );
    assert.ok(sawProcessing, 'at least one poll saw a task processing');
    await waitForNoUploads(server);
  });

  test('every bad fixture is refused with a clear 4xx or ends failed with a clear error', async () => {
    for (const name of BAD_FILES) {
      const response = await submit(server.baseUrl, TEST_TOKEN, fixtures.bad(name));
      if (response.status === 200) {
        const body = await pollUntilDone(server.baseUrl, AUTH, response.body.task_id as string, {
          timeoutMs: 60_000,
        });
        if (body.status === 'failed') assertFailedShape(body);
        else {
          assert.ok(
            ['truncated.mp3', 'header-only.wav'].includes(name),
            `${name} completed: ${JSON.stringify(body)}`,
          );
          assertCompletedShape(body);
        }
      } else {
        assert.ok(response.status >= 400 && response.status < 500, `${name}: HTTP ${response.status}`);
        assert.equal(response.body.statusCode, response.status);
        assert.ok(typeof response.body.detail === 'string' && (response.body.detail as string).length > 0);
      }
    }
    const unknown = await submit(server.baseUrl, AUTH, fixtures.bad('text-renamed.wav'));
    assert.equal(unknown.status, 415);
    assert.match(unknown.body.detail as string, /detected unknown content; accepted: WAV, MP3/);
    const png = await submit(server.baseUrl, AUTH, fixtures.bad('png-renamed.mp3'));
    assert.equal(png.status, 415);
    assert.equal(png.body.detected, 'image/png');
    const empty = await submit(server.baseUrl, AUTH, fixtures.bad('empty.wav'));
    assert.equal(empty.status, 400);
    await assertStillServing(server);
    await waitForNoUploads(server);
  });

  test('a playlist disguised as audio is refused before ffmpeg ever sees it', async () => {
    const playlist = `#EXTM3U\n#EXT-X-TARGETDURATION:30\n#EXTINF:30,\nfile:${fixtures.audio('conv-en-2spk.wav')}\n#EXT-X-ENDLIST\n`;
    const concat = `ffconcat version 1.0\nfile '${fixtures.audio('conv-en-2spk.wav')}'\n`;
    for (const [name, text] of [
      ['playlist.mp3', playlist],
      ['list.wav', concat],
    ]) {
      const response = await submit(server.baseUrl, AUTH, { name, bytes: Buffer.from(text) });
      assert.equal(response.status, 415, `${name}: ${JSON.stringify(response.body)}`);
    }
    assert.deepEqual(server.uploadsLeft(), []);
  });

  test('a video without an audio stream ends failed with a one-line error', async () => {
    const video = path.join(work, 'silent-video.mp4');
    writeVideoWithoutAudio(video);
    const response = await submit(server.baseUrl, AUTH, video);
    assert.equal(response.status, 200);
    const body = await pollUntilDone(server.baseUrl, AUTH, response.body.task_id as string, {
      timeoutMs: 60_000,
    });
    assertFailedShape(body);
    assert.match(body.error as string, /no audio stream/);
    await waitForNoUploads(server);
  });

  test('invalid form fields answer 400 with a message per field and keep no file', async () => {
    const response = await submit(server.baseUrl, AUTH, fixtures.audio('conv-en-2spk.wav'), {
      speaker_count: '0',
      language: 'xx',
      temperature: '1.5',
      no_speech_threshold: 'abc',
      initial_prompt: 'x'.repeat(1001),
    });
    assert.equal(response.status, 400);
    const errors = response.body.errors as Record<string, string[]>;
    assert.deepEqual(Object.keys(errors).sort(), [
      'initial_prompt',
      'language',
      'no_speech_threshold',
      'speaker_count',
      'temperature',
    ]);
    assert.match(errors.language[0], /Whisper language code/);
    const fractional = await submit(server.baseUrl, AUTH, fixtures.audio('conv-en-2spk.wav'), {
      speaker_count: '2.5',
    });
    assert.equal(fractional.status, 400);
    assert.deepEqual(Object.keys(fractional.body.errors as object), ['speaker_count']);
    const noFile = await fetch(`${server.baseUrl}/transcribe`, {
      method: 'POST',
      headers: { Authorization: AUTH },
    });
    assert.equal(noFile.status, 400);
    assert.deepEqual(server.uploadsLeft(), []);
  });

  test('auth: missing, garbage, wrong secret, expired, alg none, other algorithms are 401 with JSON', async () => {
    const payload = { sub: 'mallory', exp: nowSeconds() + 3600 };
    const cases: [string, string | null][] = [
      ['no header', null],
      ['garbage', 'nope'],
      ['garbage bearer', 'Bearer nope'],
      ['two tokens', `Bearer ${TEST_TOKEN} extra`],
      ['wrong secret', `Bearer ${forgeJwt({ alg: 'HS256', typ: 'JWT' }, payload, 'not-the-secret')}`],
      [
        'expired',
        `Bearer ${forgeJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'x', exp: nowSeconds() - 10 }, JWT_SECRET)}`,
      ],
      ['alg none', `Bearer ${forgeJwt({ alg: 'none', typ: 'JWT' }, payload, null)}`],
      [
        'HS512 with the right secret',
        `Bearer ${forgeJwt({ alg: 'HS512', typ: 'JWT' }, payload, JWT_SECRET)}`,
      ],
      ['a prefix of the test token', `Bearer ${TEST_TOKEN.slice(0, -1)}`],
    ];
    for (const [name, authorization] of cases) {
      const post = await submit(server.baseUrl, authorization, fixtures.audio('conv-en-2spk.wav'));
      assert.equal(post.status, 401, `${name}: POST answered ${post.status}`);
      assert.equal(post.body.statusCode, 401);
      assert.ok(typeof post.body.detail === 'string');
      const get = await fetch(`${server.baseUrl}/result/00000000-0000-4000-8000-000000000000`, {
        headers: authorization === null ? {} : { Authorization: authorization },
      });
      assert.equal(get.status, 401, `${name}: GET answered ${get.status}`);
      assert.equal(((await get.json()) as { statusCode: number }).statusCode, 401);
    }
    const expired = await submit(server.baseUrl, cases[5][1], fixtures.audio('conv-en-2spk.wav'));
    assert.match(expired.body.detail as string, /expired/);
    assert.deepEqual(server.uploadsLeft(), []);
  });

  test("another subject's task answers exactly what an unknown id answers, and stays its owner's", async () => {
    const alice = mintToken(JWT_SECRET, 'alice', '10m');
    const bob = mintToken(JWT_SECRET, 'bob', '10m');
    const created = await submit(server.baseUrl, alice, fixtures.audio('conv-en-2spk.wav'));
    assert.equal(created.status, 200);
    const taskId = created.body.task_id as string;
    const resultKey = `${server.prefix}:result:${taskId}`;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && (await server.redis.exists(resultKey)) === 0) {
      const asBob = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: `Bearer ${bob}` });
      assert.deepEqual(asBob.body, { status: 'pending' });
      await sleep(100);
    }
    const asBob = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: bob });
    assert.deepEqual(asBob.body, { status: 'pending' });
    const unknown = await getJson(`${server.baseUrl}/result/not-a-task`, { Authorization: bob });
    assert.deepEqual(unknown.body, asBob.body);
    const asTestToken = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: AUTH });
    assert.deepEqual(asTestToken.body, { status: 'pending' });
    const asAlice = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: `Bearer ${alice}` });
    assert.equal(asAlice.body.status, 'completed');
  });

  test('a client that drops the connection while reading a result can read it again', async () => {
    // A result far larger than the socket buffers, so the server cannot finish writing it before the
    // client goes away. Stored as a worker stores it; the dummy Whisper model yields no text of its own.
    const taskId = '4f1c2b3a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    const results = Array.from({ length: 150_000 }, (_, i) => ({
      speaker: i % 2,
      start: i,
      end: i + 0.5,
      text: `utterance ${i} `.padEnd(200, 'x'),
    }));
    const json = JSON.stringify({ status: 'completed', results });
    const key = `${server.prefix}:result:${taskId}`;
    await server.redis.multi().hset(key, 'owner', 'test-token', 'json', json).pexpire(key, 600_000).exec();

    const received = await readHeadersThenDrop(server.port, `/result/${taskId}`, AUTH);
    assert.match(received.head, /^HTTP\/1\.1 200/);
    assert.ok(received.bytes < json.length, 'the first client went away before the whole body arrived');
    await sleep(500);
    assert.equal(await server.redis.hexists(key, 'json'), 1, 'the undelivered result is kept');

    const again = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: AUTH });
    assert.equal(again.body.status, 'completed');
    assert.equal((again.body.results as unknown[]).length, results.length);
    await sleep(200);
    const third = await getJson(`${server.baseUrl}/result/${taskId}`, { Authorization: AUTH });
    assert.deepEqual(third.body, { status: 'pending' });
  });

  test('the server still serves after all of the above', async () => {
    await assertStillServing(server);
    const response = await submit(server.baseUrl, AUTH, fixtures.audio('conv-en-2spk.ogg'));
    const body = await pollUntilDone(server.baseUrl, AUTH, response.body.task_id as string);
    assertCompletedShape(body);
    assert.ok(
      !server.output().includes('"level":50'),
      `errors were logged:\n${server.output().slice(-3000)}`,
    );
  });
});

async function assertStillServing(server: RunningServer): Promise<void> {
  const health = await fetch(`${server.baseUrl}/health`);
  assert.equal(health.status, 200);
}

/** Uploads are deleted when their job ends; the worker does it just after storing the result. */
async function waitForNoUploads(server: RunningServer): Promise<void> {
  const deadline = Date.now() + 5000;
  while (server.uploadsLeft().length > 0 && Date.now() < deadline) await sleep(50);
  assert.deepEqual(server.uploadsLeft(), []);
}

/** Sends a GET on a raw socket, reads the response head, then destroys the connection. */
function readHeadersThenDrop(
  port: number,
  url: string,
  authorization: string,
): Promise<{ head: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(`GET ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\n\r\n`);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.destroy();
      resolve({ head: buffer.subarray(0, end).toString('latin1'), bytes: buffer.length - end - 4 });
    });
  });
}
