import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { startReceiver, reply, type Receiver } from '../webhooks/receiver';
import { pollUntilDone, submit } from './support/http-client';
import { type RunningServer, startServer, TEST_TOKEN } from './support/server-process';

const WAV = fixtures.audio('conv-en-2spk.wav');
// A WAV header and no samples: accepted by sniffing, fails in the worker (no audio).
const BROKEN = fixtures.bad('header-only.wav');
const AUTH = `Bearer ${TEST_TOKEN}`;
const SECRET = 'webhook-secret-for-the-e2e-tests';
const skip = skipUnlessPresent(models.whisperTiny, models.segmentation, WAV, BROKEN);

describe('callback_url webhooks', { skip }, () => {
  let receiver: Receiver;
  let server: RunningServer;

  before(async () => {
    // The first delivery gets a 503, so the retry (with backoff) is exercised too.
    receiver = await startReceiver(SECRET, (index, res) => reply(res, index === 0 ? 503 : 200));
    server = await startServer({ WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_SECRET: SECRET });
  });
  after(async () => {
    await server?.stop();
    await receiver?.close();
  });

  test('a completed and a failed job each POST a signed outcome to a real listener', async () => {
    const ok = await submit(server.baseUrl, AUTH, WAV, { callback_url: receiver.url('/done?k=1') });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const okId = ok.body.task_id as string;
    await receiver.waitForRequests(2, 60_000);
    const [refused, delivered] = receiver.requests;
    assert.equal(refused.body, delivered.body, 'the retry carries the same payload');
    assert.equal(refused.headers['x-webhook-id'], delivered.headers['x-webhook-id']);
    assert.equal(delivered.headers['x-webhook-attempt'], '2');
    assert.equal(delivered.path, '/done?k=1');
    assert.ok(delivered.verifiedByLibrary && delivered.verifiedIndependently, 'signature verifies');
    const payload = JSON.parse(delivered.body) as Record<string, unknown>;
    assert.equal(payload.event, 'task.completed');
    assert.equal(payload.task_id, okId);
    assert.equal(payload.status, 'completed');
    assert.ok(!('results' in payload), 'no transcript in the webhook');
    // The result itself is still there for its owner, once.
    assert.equal((await pollUntilDone(server.baseUrl, AUTH, okId)).status, 'completed');

    const bad = await submit(server.baseUrl, AUTH, BROKEN, { callback_url: receiver.url('/failed') });
    assert.equal(bad.status, 200, JSON.stringify(bad.body));
    await receiver.waitForRequests(3, 60_000);
    const failed = receiver.requests[2];
    assert.ok(failed.verifiedIndependently);
    const failure = JSON.parse(failed.body) as Record<string, unknown>;
    assert.equal(failure.event, 'task.failed');
    assert.equal(failure.task_id, bad.body.task_id);
    assert.equal(typeof failure.error, 'string');
  });

  test('callback_auth_header_*: each bad field is a 400 naming it, never echoing the value', async () => {
    const hook = receiver.url('/auth');
    const cases: [string, Record<string, string>, string[]][] = [
      ['Host', { callback_auth_header_name: 'Host', callback_auth_header_value: 'v' }, ['name']],
      [
        'content-length',
        { callback_auth_header_name: 'content-length', callback_auth_header_value: '1' },
        ['name'],
      ],
      [
        'X-Webhook-Id',
        { callback_auth_header_name: 'X-Webhook-Id', callback_auth_header_value: 'v' },
        ['name'],
      ],
      ['not a token', { callback_auth_header_name: 'Bad Name:', callback_auth_header_value: 'v' }, ['name']],
      ['too long', { callback_auth_header_name: 'X'.repeat(101), callback_auth_header_value: 'v' }, ['name']],
      [
        'CRLF',
        { callback_auth_header_name: 'Authorization', callback_auth_header_value: 'a\r\nX-Evil: 1' },
        ['value'],
      ],
      [
        'value too long',
        { callback_auth_header_name: 'Authorization', callback_auth_header_value: 'v'.repeat(4097) },
        ['value'],
      ],
      [
        'both wrong',
        { callback_auth_header_name: 'Host', callback_auth_header_value: 'x\ny' },
        ['name', 'value'],
      ],
      ['name alone', { callback_auth_header_name: 'Authorization' }, ['value']],
      ['value alone', { callback_auth_header_value: 'secret-only' }, ['name']],
    ];
    for (const [name, fields, wrong] of cases) {
      const answer = await submit(server.baseUrl, AUTH, WAV, { callback_url: hook, ...fields });
      assert.equal(answer.status, 400, `${name}: ${JSON.stringify(answer.body)}`);
      const errors = answer.body.errors as Record<string, string[]>;
      assert.deepEqual(
        Object.keys(errors).sort(),
        wrong.map((field) => `callback_auth_header_${field}`),
        `${name}: ${JSON.stringify(errors)}`,
      );
      const value = fields.callback_auth_header_value;
      if (value && value.length > 3) assert.ok(!JSON.stringify(answer.body).includes(value), name);
    }
    // Without callback_url the header has nowhere to go.
    const orphan = await submit(server.baseUrl, AUTH, WAV, {
      callback_auth_header_name: 'Authorization',
      callback_auth_header_value: 'Bearer abc',
    });
    assert.equal(orphan.status, 400);
    assert.match(JSON.stringify(orphan.body.errors), /needs a callback_url/);
    assert.deepEqual(server.uploadsLeft(), []);
  });

  test('the auth header fields are in Swagger, the value marked as a password', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/docs-json`)).json()) as {
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    };
    for (const form of ['TranscribeFormDto', 'DiarizeRequestDto']) {
      const properties = doc.components.schemas[form].properties;
      assert.equal(properties.callback_auth_header_name.example, 'Authorization', form);
      assert.equal(properties.callback_auth_header_value.format, 'password', form);
      assert.equal(properties.callback_auth_header_value.maxLength, 4096, form);
    }
  });

  test('a host outside WEBHOOK_ALLOWED_HOSTS is a 400 and queues nothing', async () => {
    const answer = await submit(server.baseUrl, AUTH, WAV, { callback_url: 'http://example.com/hook' });
    assert.equal(answer.status, 400);
    assert.match(String(answer.body.detail), /callback/);
    assert.deepEqual(server.uploadsLeft(), []);
  });
});

describe('webhooks are off by default', { skip }, () => {
  test('callback_url is refused with a 400 explaining they are disabled', async () => {
    const server = await startServer();
    try {
      const answer = await submit(server.baseUrl, AUTH, WAV, { callback_url: 'http://127.0.0.1:9/hook' });
      assert.equal(answer.status, 400);
      assert.match(String(answer.body.detail), /allow-list is empty/);
      assert.equal(answer.body.reason, 'disabled');
    } finally {
      await server.stop();
    }
  });

  test('an allow-list without WEBHOOK_SECRET stops the server at start-up', async () => {
    await assert.rejects(startServer({ WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com' }), /WEBHOOK_SECRET/);
  });
});
