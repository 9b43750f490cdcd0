import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { mintToken } from '../../src/auth/mint-token';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { getJson, submit } from './support/http-client';
import { JWT_SECRET, type RunningServer, startServer, TEST_TOKEN } from './support/server-process';

const NOT_AUDIO = fixtures.bad('text-renamed.wav');
const AUTH = `Bearer ${TEST_TOKEN}`;
const skip = skipUnlessPresent(models.whisperTiny, models.segmentation, NOT_AUDIO);

describe('rate limits per subject', { skip }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ RATE_LIMIT_UPLOADS_PER_MINUTE: '2', RATE_LIMIT_POLLS_PER_MINUTE: '5' });
  });
  after(() => server?.stop());

  test('uploads past the limit get 429 with Retry-After and a JSON body; another subject is unaffected', async () => {
    // Refused files (415) still count: the limit is checked before the body is read.
    for (let i = 0; i < 2; i++) assert.equal((await submit(server.baseUrl, AUTH, NOT_AUDIO)).status, 415);
    const limited = await submit(server.baseUrl, AUTH, NOT_AUDIO);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.statusCode, 429);
    assert.match(String(limited.body.detail), /rate limit/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
      `Retry-After ${retryAfter}`,
    );

    const other = `Bearer ${mintToken(JWT_SECRET, 'another-user', '5m')}`;
    assert.equal((await submit(server.baseUrl, other, NOT_AUDIO)).status, 415);

    // The OpenAI-compatible route shares the upload budget and answers in OpenAI's error shape.
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('x')]), 'a.wav');
    const openai = await fetch(`${server.baseUrl}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form,
      headers: { Authorization: AUTH },
    });
    assert.equal(openai.status, 429);
    const body = (await openai.json()) as { error: { type: string; code: string } };
    assert.equal(body.error.code, 'rate_limit_exceeded');
  });

  test('polls have their own budget, untouched by the exhausted uploads', async () => {
    const url = `${server.baseUrl}/result/${randomUUID()}`;
    for (let i = 0; i < 5; i++) assert.equal((await getJson(url, { Authorization: AUTH })).status, 200);
    const limited = await getJson(url, { Authorization: AUTH });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await getJson(`${server.baseUrl}/health`)).status, 200, 'health is never limited');
    const otherTask = await getJson(`${server.baseUrl}/result/${randomUUID()}`, { Authorization: AUTH });
    assert.equal(otherTask.status, 200, 'each task has its own polling budget');
  });
});
