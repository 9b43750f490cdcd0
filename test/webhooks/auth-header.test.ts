import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  attemptWebhook,
  CallbackAuthHeaderError,
  checkCallbackAuthHeader,
  parseAllowedHosts,
  retryDelayMs,
  systemResolve,
} from '../../libs/webhooks';
import { reply, startReceiver, type Receiver } from './receiver';

const SECRET = 'unit-secret';

function problemsOf(name: string | undefined, value: string | undefined): Record<string, string> {
  try {
    checkCallbackAuthHeader(name, value);
  } catch (error) {
    assert.ok(error instanceof CallbackAuthHeaderError);
    return error.problems;
  }
  return {};
}

describe('checkCallbackAuthHeader', () => {
  test('accepts a token name with a printable value, and neither field at all', () => {
    assert.deepEqual(checkCallbackAuthHeader('Authorization', 'Bearer a.b.c'), {
      name: 'Authorization',
      value: 'Bearer a.b.c',
    });
    assert.deepEqual(checkCallbackAuthHeader("X-Api_Key.v2!#$%&'*+^`|~", 'k e y'), {
      name: "X-Api_Key.v2!#$%&'*+^`|~",
      value: 'k e y',
    });
    assert.equal(checkCallbackAuthHeader(undefined, undefined), undefined);
  });

  test('refuses the names the server sets or that frame the request, in any case', () => {
    for (const name of [
      'Host',
      'HOST',
      'content-length',
      'Transfer-Encoding',
      'Connection',
      'Content-Type',
      'User-Agent',
      'x-webhook-signature',
      'X-Webhook-Anything',
      'Proxy-Authorization',
      'Sec-Fetch-Site',
      'TE',
    ]) {
      assert.match(problemsOf(name, 'v').name ?? '', /set by the server/, name);
    }
  });

  test('refuses malformed names and values, per field, without quoting the value', () => {
    assert.match(problemsOf('Bad Name', 'v').name ?? '', /header name/);
    assert.match(problemsOf('X:Y', 'v').name ?? '', /header name/);
    assert.match(problemsOf('', 'v').name ?? '', /1 to 100/);
    assert.match(problemsOf('a'.repeat(101), 'v').name ?? '', /1 to 100/);
    for (const value of ['line\r\nX-Evil: 1', 'nul\0', ' x9q', 'x9q ', 'caf\u00e9', '']) {
      const problems = problemsOf('Authorization', value);
      assert.deepEqual(Object.keys(problems), ['value'], JSON.stringify(value));
      if (value.trim() !== '') assert.ok(!problems.value.includes(value.trim()));
    }
    assert.match(problemsOf('Authorization', 'v'.repeat(4097)).value ?? '', /1 to 4096/);
    assert.deepEqual(Object.keys(problemsOf('Host', 'a\nb')).sort(), ['name', 'value']);
    assert.deepEqual(Object.keys(problemsOf('Authorization', undefined)), ['value']);
    assert.deepEqual(Object.keys(problemsOf(undefined, 'secret')), ['name']);
  });
});

describe('attemptWebhook', () => {
  const receivers: Receiver[] = [];
  after(async () => Promise.all(receivers.map((r) => r.close())));

  test('sends the auth header beside the signed headers, and classifies the answer', async () => {
    const statuses = [200, 503, 404];
    const receiver = await startReceiver(SECRET, (index, res) => reply(res, statuses[index]));
    receivers.push(receiver);
    const settings = {
      secret: SECRET,
      allowedHosts: parseAllowedHosts(`127.0.0.1:${receiver.port}`),
      timeoutMs: 2000,
      resolve: systemResolve,
    };
    const attempt = (n: number) =>
      attemptWebhook(
        {
          id: 'id-1',
          url: receiver.url('/h'),
          body: '{"a":1}',
          attempt: n,
          authHeader: { name: 'X-Token', value: 't0k' },
        },
        settings,
      );
    assert.deepEqual(await attempt(1), { kind: 'delivered', status: 200 });
    assert.deepEqual(await attempt(2), {
      kind: 'retry',
      error: 'answered 503',
      status: 503,
      retryAfterMs: null,
    });
    assert.deepEqual(await attempt(3), { kind: 'rejected', error: 'answered 404', status: 404 });
    for (const [index, request] of receiver.requests.entries()) {
      assert.equal(request.headers['x-token'], 't0k');
      assert.equal(request.headers['x-webhook-id'], 'id-1');
      assert.equal(request.headers['x-webhook-attempt'], String(index + 1));
      assert.ok(request.verifiedIndependently);
    }
    const refused = await attemptWebhook(
      { id: 'id-2', url: 'http://127.0.0.2:9/h', body: '{}', attempt: 1 },
      settings,
    );
    assert.equal(refused.kind, 'refused');
  });

  test('retryDelayMs doubles with jitter, honours Retry-After up to the cap', () => {
    const flat = { baseDelayMs: 1000, maxDelayMs: 10_000, jitter: 0 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, flat)),
      [1000, 2000, 4000, 8000, 10_000],
    );
    assert.equal(retryDelayMs(1, flat, 5000), 5000);
    assert.equal(retryDelayMs(1, flat, 60_000), 10_000);
    for (let i = 0; i < 50; i++) {
      const delay = retryDelayMs(2, { ...flat, jitter: 0.2 });
      assert.ok(delay >= 1600 && delay <= 2400, String(delay));
    }
  });
});
