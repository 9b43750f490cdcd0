import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { LookupAddress } from 'node:dns';
import {
  parseAllowedHosts,
  verifyWebhookSignature,
  WebhookDispatcher,
  type WebhookDispatcherOptions,
  type WebhookEvent,
} from '../../libs/webhooks';
import { reply, startReceiver, type Receiver, type Responder } from './receiver';

const SECRET = 'test-secret-\u00e9';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects events and lets a test wait for the end of one delivery. */
function eventLog() {
  const events: WebhookEvent[] = [];
  const waiters: (() => void)[] = [];
  const isEnd = (e: WebhookEvent): boolean => e.type !== 'retrying';
  return {
    events,
    onEvent: (event: WebhookEvent) => {
      events.push(event);
      waiters.splice(0).forEach((wake) => wake());
    },
    of: (id: string) => events.filter((e) => e.id === id),
    async end(id: string, timeoutMs = 5000): Promise<WebhookEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => e.id === id && isEnd(e));
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`delivery ${id} did not end; events: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

const receivers: Receiver[] = [];
const dispatchers: WebhookDispatcher[] = [];
after(async () => {
  await Promise.all(dispatchers.map((d) => d.close(0)));
  await Promise.all(receivers.map((r) => r.close()));
});

async function setup(
  respond: Responder,
  options: Partial<WebhookDispatcherOptions> = {},
  allowSpec?: (receiver: Receiver) => string,
) {
  const receiver = await startReceiver(SECRET, respond);
  receivers.push(receiver);
  const log = eventLog();
  const warnings: string[] = [];
  const dispatcher = new WebhookDispatcher({
    secret: SECRET,
    // Loopback is listed explicitly, as an operator would for a receiver on the same machine.
    allowedHosts: parseAllowedHosts(allowSpec ? allowSpec(receiver) : `127.0.0.1:${receiver.port}`),
    baseDelayMs: 20,
    timeoutMs: 2000,
    onEvent: log.onEvent,
    warn: (message) => warnings.push(message),
    ...options,
  });
  dispatchers.push(dispatcher);
  return { receiver, dispatcher, log, warnings };
}

describe('WebhookDispatcher against a real local listener', () => {
  test('500, 500, then 200: retried with backoff, same X-Webhook-Id, every attempt signed', async () => {
    const { receiver, dispatcher, log } = await setup((i, res) => reply(res, i < 2 ? 500 : 200));
    const payload = { task_id: 'abc-123', status: 'completed', text: 'caf\u00e9 \u6771\u4eac' };
    const id = dispatcher.dispatch({ url: receiver.url('/hook?token=xyz'), payload });
    // Nothing has been sent yet when dispatch returns: the caller never waits on the receiver.
    assert.equal(receiver.requests.length, 0);
    assert.equal(dispatcher.pendingCount, 1);

    const end = await log.end(id);
    assert.equal(end.type, 'delivered');
    assert.equal(end.attempt, 3);
    assert.equal(receiver.requests.length, 3);
    assert.deepEqual(
      log.of(id).map((e) => e.type),
      ['retrying', 'retrying', 'delivered'],
    );
    for (const [index, request] of receiver.requests.entries()) {
      assert.equal(request.method, 'POST');
      assert.equal(request.path, '/hook?token=xyz');
      assert.equal(request.headers['content-type'], 'application/json');
      assert.match(String(request.headers['user-agent']), /^speech-server-webhooks\//);
      assert.equal(request.headers['x-webhook-id'], id);
      assert.equal(request.headers['x-webhook-attempt'], String(index + 1));
      assert.deepEqual(JSON.parse(request.body), payload);
      assert.ok(request.verifiedByLibrary, 'library verifier accepts the signature');
      assert.ok(request.verifiedIndependently, 'an independent HMAC-SHA256 matches');
      const signature = String(request.headers['x-webhook-signature']);
      assert.equal(verifyWebhookSignature(request.body, signature, 'another-secret'), false);
      assert.equal(verifyWebhookSignature(`${request.body} `, signature, SECRET), false);
    }
    const retries = log.of(id).filter((e) => e.type === 'retrying');
    for (const retry of retries) {
      assert.equal(retry.type === 'retrying' && retry.status, 500);
    }
    // Exponential: the second wait is nominally twice the first (20 and 40 ms, each within +-20 %).
    const [first, second] = retries.map((e) => (e.type === 'retrying' ? e.delayMs : NaN));
    assert.ok(first >= 16 && first <= 24, `first wait ${first}`);
    assert.ok(second >= 32 && second <= 48, `second wait ${second}`);
    assert.ok(!log.of(id).some((e) => e.target.includes('token')), 'events leave the query out');
    assert.equal(dispatcher.pendingCount, 0);
  });

  test('400 is not retried', async () => {
    const { receiver, dispatcher, log } = await setup((_i, res) => reply(res, 400));
    const id = dispatcher.dispatch({ url: receiver.url(), payload: { task_id: 't' } });
    const end = await log.end(id);
    assert.equal(end.type, 'failed');
    assert.equal(end.type === 'failed' && end.reason, 'rejected');
    assert.equal(end.type === 'failed' && end.status, 400);
    await sleep(200); // ten base delays: a retry would have come by now
    assert.equal(receiver.requests.length, 1);
  });

  test('a receiver that never answers times out and the delivery is retried', async () => {
    const { receiver, dispatcher, log } = await setup(
      (i, res) => {
        if (i > 0) reply(res, 204); // the first request is left hanging
      },
      { timeoutMs: 300 },
    );
    const started = Date.now();
    const id = dispatcher.dispatch({ url: receiver.url(), payload: { task_id: 't' } });
    const end = await log.end(id);
    assert.equal(end.type, 'delivered');
    assert.equal(end.attempt, 2);
    assert.ok(Date.now() - started >= 300, 'the first attempt waited for its timeout');
    const retry = log.of(id).find((e) => e.type === 'retrying');
    assert.match(retry?.type === 'retrying' ? retry.error : '', /within 300 ms/);
    assert.equal(receiver.requests[0].headers['x-webhook-id'], receiver.requests[1].headers['x-webhook-id']);
  });

  test('429 is retried after Retry-After, capped at maxDelayMs', async () => {
    const { receiver, dispatcher, log } = await setup(
      (i, res) => (i === 0 ? reply(res, 429, { 'Retry-After': '30' }) : reply(res, 200)),
      { maxDelayMs: 150 },
    );
    const id = dispatcher.dispatch({ url: receiver.url(), payload: {} });
    assert.equal((await log.end(id)).type, 'delivered');
    const retry = log.of(id).find((e) => e.type === 'retrying');
    assert.equal(retry?.type === 'retrying' && retry.delayMs, 150);
    assert.equal(receiver.requests.length, 2);
  });

  test('gives up after maxAttempts on a receiver that keeps failing', async () => {
    const { receiver, dispatcher, log } = await setup((_i, res) => reply(res, 503), { maxAttempts: 3 });
    const id = dispatcher.dispatch({ url: receiver.url(), payload: {} });
    const end = await log.end(id);
    assert.equal(end.type === 'failed' && end.reason, 'exhausted');
    assert.equal(end.attempt, 3);
    await sleep(150);
    assert.equal(receiver.requests.length, 3);
  });

  test('a redirect is not followed', async () => {
    const { receiver, dispatcher, log } = await setup((_i, res) =>
      reply(res, 307, { Location: receiver.url('/elsewhere') }),
    );
    const id = dispatcher.dispatch({ url: receiver.url(), payload: {} });
    const end = await log.end(id);
    assert.equal(end.type === 'failed' && end.reason, 'rejected');
    assert.match(end.type === 'failed' ? end.error : '', /redirects are not followed/);
    await sleep(100);
    assert.deepEqual(
      receiver.requests.map((r) => r.path),
      ['/hook'],
    );
  });

  test('connection refused is a network error: retried, then given up', async () => {
    const closed = await startReceiver(SECRET, (_i, res) => reply(res, 200));
    const port = closed.port;
    await closed.close();
    const { dispatcher, log } = await setup(
      () => undefined,
      { maxAttempts: 2 },
      () => `127.0.0.1:${port}`,
    );
    const id = dispatcher.dispatch({ url: `http://127.0.0.1:${port}/hook`, payload: {} });
    const end = await log.end(id);
    assert.equal(end.type === 'failed' && end.reason, 'exhausted');
    assert.equal(end.attempt, 2);
    assert.match(end.type === 'failed' ? end.error : '', /ECONNREFUSED/);
  });

  test('a URL the allow-list does not cover is refused without any request', async () => {
    const { receiver, dispatcher, log } = await setup(
      (_i, res) => reply(res, 200),
      {},
      () => '',
    );
    const id = dispatcher.dispatch({ url: receiver.url(), payload: {} });
    const end = await log.end(id);
    assert.equal(end.type === 'failed' && end.reason, 'refused');
    assert.match(end.type === 'failed' ? end.error : '', /allow-list is empty/);
    assert.equal(receiver.requests.length, 0);
  });

  test('pending deliveries are bounded: the oldest not in flight is dropped, with a warning', async () => {
    const { receiver, dispatcher, log, warnings } = await setup(() => undefined, {
      maxPending: 2,
      maxConcurrent: 1,
      timeoutMs: 10_000,
    });
    const started = process.hrtime.bigint();
    const ids = [1, 2, 3].map((n) => dispatcher.dispatch({ url: receiver.url(), payload: { n } }));
    const dispatchMs = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(dispatchMs < 100, `three dispatches took ${dispatchMs} ms`);
    assert.equal(dispatcher.pendingCount, 2);
    // The first is in flight and the second queued: the second goes.
    const dropped = await log.end(ids[1]);
    assert.equal(dropped.type, 'dropped');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`webhook ${ids[1]} .*dropped: more than 2`));

    await receiver.waitForRequests(1);
    assert.equal(JSON.parse(receiver.requests[0].body).n, 1);
    const closed = await dispatcher.close(50);
    assert.equal(closed.abandoned, 2);
    for (const id of [ids[0], ids[2]]) {
      const end = await log.end(id);
      assert.equal(end.type === 'failed' && end.reason, 'shutdown');
    }
    assert.equal(dispatcher.pendingCount, 0);
  });

  test('a burst of drops gives one warning, and the newest delivery still goes out', async () => {
    const { receiver, dispatcher, log, warnings } = await setup((_i, res) => reply(res, 200), {
      maxPending: 1,
      maxConcurrent: 1,
    });
    const ids = [1, 2, 3, 4, 5].map((n) => dispatcher.dispatch({ url: receiver.url(), payload: { n } }));
    assert.equal((await log.end(ids[4])).type, 'delivered');
    // Everything in flight: then even an in-flight delivery is dropped to stay within the bound.
    assert.deepEqual(
      ids.slice(0, 4).map((id) => log.of(id).at(-1)?.type),
      ['dropped', 'dropped', 'dropped', 'dropped'],
    );
    assert.equal(warnings.length, 1);
    assert.ok(receiver.requests.some((r) => JSON.parse(r.body).n === 5));
  });

  test('close() waits for pending deliveries within its grace period, then refuses new ones', async () => {
    const { receiver, dispatcher, log } = await setup((_i, res) => {
      setTimeout(() => reply(res, 200), 150);
    });
    const id = dispatcher.dispatch({ url: receiver.url(), payload: {} });
    const closed = await dispatcher.close(5000);
    assert.equal(closed.abandoned, 0);
    assert.equal(log.of(id).at(-1)?.type, 'delivered');
    const late = dispatcher.dispatch({ url: receiver.url(), payload: {} });
    assert.equal((await log.end(late)).type, 'dropped');
    assert.equal(receiver.requests.length, 1);
  });

  test('an onEvent handler that throws does not stop delivery', async () => {
    const receiver = await startReceiver(SECRET, (_i, res) => reply(res, 200));
    receivers.push(receiver);
    const warnings: string[] = [];
    const dispatcher = new WebhookDispatcher({
      secret: SECRET,
      allowedHosts: parseAllowedHosts(`127.0.0.1:${receiver.port}`),
      onEvent: () => {
        throw new Error('logger broke');
      },
      warn: (message) => warnings.push(message),
    });
    dispatchers.push(dispatcher);
    dispatcher.dispatch({ url: receiver.url(), payload: {} });
    await receiver.waitForRequests(1);
    assert.equal((await dispatcher.close(2000)).abandoned, 0);
    assert.match(warnings.join('\n'), /logger broke/);
  });
});

describe('WebhookDispatcher: the address a host name resolves to is checked at delivery', () => {
  /** A DNS stand-in: every name resolves to `addresses`. */
  const dnsAnswering =
    (...addresses: string[]) =>
    async (): Promise<LookupAddress[]> =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  test('a wildcard-allowed name resolving to loopback is refused before connecting', async () => {
    const { receiver, dispatcher, log } = await setup(
      (_i, res) => reply(res, 200),
      { resolve: dnsAnswering('127.0.0.1') },
      (r) => `*.hooks.test:${r.port}`,
    );
    const id = dispatcher.dispatch({ url: `http://svc.hooks.test:${receiver.port}/hook`, payload: {} });
    const end = await log.end(id);
    assert.equal(end.type === 'failed' && end.reason, 'refused');
    assert.match(end.type === 'failed' ? end.error : '', /resolves to 127\.0\.0\.1, a loopback address/);
    assert.equal(receiver.requests.length, 0);
  });

  test('one forbidden address among public ones is enough to refuse', async () => {
    const { receiver, dispatcher, log } = await setup(
      (_i, res) => reply(res, 200),
      { resolve: dnsAnswering('93.184.216.34', '169.254.169.254') },
      (r) => `*.hooks.test:${r.port}`,
    );
    const id = dispatcher.dispatch({ url: `http://svc.hooks.test:${receiver.port}/hook`, payload: {} });
    const end = await log.end(id);
    assert.match(end.type === 'failed' ? end.error : '', /169\.254\.169\.254, a link-local address/);
  });

  test('the same name listed exactly may reach loopback; the Host header keeps the name', async () => {
    const { receiver, dispatcher, log } = await setup(
      (_i, res) => reply(res, 200),
      { resolve: dnsAnswering('127.0.0.1') },
      (r) => `svc.hooks.test:${r.port}`,
    );
    const id = dispatcher.dispatch({ url: `http://svc.hooks.test:${receiver.port}/hook`, payload: {} });
    assert.equal((await log.end(id)).type, 'delivered');
    assert.equal(receiver.requests[0].headers.host, `svc.hooks.test:${receiver.port}`);
    assert.ok(receiver.requests[0].verifiedIndependently);
  });

  test('a wildcard name may reach a private address when that address is listed', async () => {
    const { receiver, dispatcher, log } = await setup(
      (_i, res) => reply(res, 200),
      { resolve: dnsAnswering('127.0.0.1') },
      (r) => `*.hooks.test:${r.port} 127.0.0.1`,
    );
    const id = dispatcher.dispatch({ url: `http://a.b.hooks.test:${receiver.port}/hook`, payload: {} });
    assert.equal((await log.end(id)).type, 'delivered');
    assert.equal(receiver.requests.length, 1);
  });
});
