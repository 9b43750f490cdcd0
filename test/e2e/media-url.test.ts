import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type MediaServer, startMediaServer } from '../media-fetch/media-server';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { getJson, pollUntilDone, submit } from './support/http-client';
import { type RunningServer, startServer, TEST_TOKEN } from './support/server-process';

const WAV = fixtures.audio('conv-en-2spk.wav');
const AUTH = `Bearer ${TEST_TOKEN}`;
const skip = skipUnlessPresent(models.whisperTiny, models.segmentation, WAV);

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** POST `route` with form fields only (no file). */
async function post(baseUrl: string, route: string, fields: Record<string, string>): Promise<Answer> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    body: form,
    headers: { Authorization: AUTH },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('audio_url instead of a file', { skip }, () => {
  let media: MediaServer;
  let server: RunningServer;
  const limit = 2_000_000;

  before(async () => {
    assert.ok(statSync(WAV).size < limit);
    media = await startMediaServer(readFileSync(WAV), limit);
    server = await startServer({
      MEDIA_URL_ALLOWED_HOSTS: `127.0.0.1:${media.port}`,
      MEDIA_URL_TIMEOUT_MS: '1500',
      MAX_UPLOAD_BYTES: String(limit),
    });
  });
  after(async () => {
    await server?.stop();
    await media?.close();
  });

  test('POST /transcribe and /diarize fetch the media and run it like an upload', async () => {
    const transcribe = await post(server.baseUrl, '/transcribe', {
      audio_url: media.url('/media/conv.wav?token=secret'),
      speaker_count: '2',
    });
    assert.equal(transcribe.status, 200, JSON.stringify(transcribe.body));
    const diarize = await post(server.baseUrl, '/diarize', { audio_url: media.url('/redirect/same-host') });
    assert.equal(diarize.status, 200, JSON.stringify(diarize.body));
    for (const answer of [transcribe, diarize]) {
      const result = await pollUntilDone(server.baseUrl, AUTH, answer.body.task_id as string);
      assert.equal(result.status, 'completed', JSON.stringify(result));
    }
    const { body } = await getJson(`${server.baseUrl}/tasks`, { Authorization: AUTH });
    const names = (body.tasks as { task_id: string; file_name: string | null }[]).map(
      (task) => task.file_name,
    );
    assert.deepEqual(names, ['same-host', 'conv.wav'], 'the URL path names the task, never its query');
    assert.deepEqual(server.uploadsLeft(), []);
  });

  test('a JSON body works as well as a form', async () => {
    const response = await fetch(`${server.baseUrl}/diarize`, {
      method: 'POST',
      body: JSON.stringify({ audio_url: media.url('/media/chunked.wav'), max_speakers: 3 }),
      headers: { Authorization: AUTH, 'Content-Type': 'application/json' },
    });
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal((await pollUntilDone(server.baseUrl, AUTH, body.task_id as string)).status, 'completed');
  });

  test('refusals: the same 413 and 415 as uploads, a 400 naming audio_url otherwise; nothing queued or left', async () => {
    const cases: [string, number, string | null][] = [
      ['/big/declared', 413, null],
      ['/big/chunked', 413, null],
      ['/text', 415, null],
      ['/image.png', 415, null],
      ['/missing', 400, 'http-status'],
      ['/slow', 400, 'timeout'],
      ['/redirect/host-name', 400, 'host-not-allowed'],
      ['/redirect/other-port', 400, 'host-not-allowed'],
      ['/redirect/loop', 400, 'too-many-redirects'],
      ['/empty', 400, 'empty'],
    ];
    for (const [path, status, reason] of cases) {
      const answer = await post(server.baseUrl, '/transcribe', { audio_url: media.url(path) });
      assert.equal(answer.status, status, `${path}: ${JSON.stringify(answer.body)}`);
      if (reason) {
        assert.equal(answer.body.reason, reason, path);
        assert.ok((answer.body.errors as Record<string, string[]>).audio_url, path);
      }
      assert.ok(!JSON.stringify(answer.body).includes(server.uploadDir), `${path}: no server path`);
    }
    const elsewhere = await post(server.baseUrl, '/transcribe', { audio_url: 'http://127.0.0.2:9/a.wav' });
    assert.equal(elsewhere.status, 400);
    assert.equal(elsewhere.body.reason, 'host-not-allowed');
    assert.deepEqual(server.uploadsLeft(), []);
    const { body } = await getJson(`${server.baseUrl}/tasks?limit=100`, { Authorization: AUTH });
    assert.equal((body.tasks as unknown[]).length, 3, 'only the tasks of the tests above were queued');
  });

  test('a file and audio_url together are a 400', async () => {
    const answer = await submit(server.baseUrl, AUTH, WAV, { audio_url: media.url('/media/conv.wav') });
    assert.equal(answer.status, 400);
    assert.match(String(answer.body.detail), /either a file or audio_url/);
    assert.deepEqual(server.uploadsLeft(), []);
  });

  test('the OpenAI endpoint takes audio_url too, and answers refusals in its error shape', async () => {
    const ok = await post(server.baseUrl, '/v1/audio/transcriptions', {
      audio_url: media.url('/media/conv.wav'),
      model: 'whisper-1',
      response_format: 'verbose_json',
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.ok(typeof ok.body.duration === 'number' && ok.body.duration > 20, JSON.stringify(ok.body));
    const refused = await post(server.baseUrl, '/v1/audio/transcriptions', { audio_url: media.url('/text') });
    assert.equal(refused.status, 415);
    assert.equal(typeof (refused.body.error as Record<string, unknown>).message, 'string');
  });
});

describe('audio_url is off without MEDIA_URL_ALLOWED_HOSTS', { skip }, () => {
  test('a clear 400, and the old answer to a form without a file', async () => {
    const server = await startServer({ APP_ROLE: 'api' });
    try {
      const answer = await post(server.baseUrl, '/transcribe', { audio_url: 'http://127.0.0.1:9/a.wav' });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.reason, 'disabled');
      assert.match(String(answer.body.detail), /audio_url is not accepted/);
      const none = await post(server.baseUrl, '/transcribe', { speaker_count: '2' });
      assert.equal(none.status, 400);
      assert.equal(none.body.detail, 'no file: send the audio as the multipart/form-data field "file"');
    } finally {
      await server.stop();
    }
  });
});
