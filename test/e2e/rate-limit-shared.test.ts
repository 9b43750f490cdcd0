import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { mintToken } from '../../src/auth/mint-token';
import { Cluster } from '../reliability/support/cluster';
import { PersistentRedis } from '../reliability/support/persistent-redis';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { getJson, submit } from './support/http-client';
import { JWT_SECRET, type RunningServer, sleep } from './support/server-process';

const NOT_AUDIO = fixtures.bad('text-renamed.wav');
const skip = skipUnlessPresent(models.whisperTiny, models.segmentation, NOT_AUDIO);

const UPLOADS = 4;
const POLLS = 3;
const LIMITS = {
  RATE_LIMIT_UPLOADS_PER_MINUTE: String(UPLOADS),
  RATE_LIMIT_POLLS_PER_MINUTE: String(POLLS),
};

/** A fresh subject: its own budget, untouched by the other tests. */
const bearerFor = (subject: string): string => `Bearer ${mintToken(JWT_SECRET, subject, '5m')}`;

/** Sends a refused file (415 once admitted): the answer says whether the limiter let it through. */
const uploadStatus = async (api: RunningServer, authorization: string): Promise<number> =>
  (await submit(api.baseUrl, authorization, NOT_AUDIO)).status;

describe('rate limits shared by API processes through Redis', { skip }, () => {
  let cluster: Cluster;
  let apis: RunningServer[];

  before(async () => {
    cluster = new Cluster(undefined, LIMITS);
    apis = await Promise.all([cluster.startApi(), cluster.startApi()]);
  });
  after(() => cluster?.stop());

  test('a subject gets its upload budget once across two API processes, not once per process', async () => {
    const auth = bearerFor(`uploader-${randomUUID()}`);
    const statuses: number[] = [];
    // Alternating processes, as a load balancer would spread one client's requests.
    for (let i = 0; i < UPLOADS + 2; i++) statuses.push(await uploadStatus(apis[i % 2], auth));
    assert.deepEqual(statuses, [...Array<number>(UPLOADS).fill(415), 429, 429]);
    // Another subject still has its whole budget, on either process.
    assert.equal(await uploadStatus(apis[1], bearerFor(`other-${randomUUID()}`)), 415);

    const keys = await cluster.redis.keys(`${cluster.prefix}:throttle:*`);
    assert.ok(keys.length > 0, 'the counters live under <REDIS_PREFIX>:throttle:');
    assert.ok(
      keys.every((key) => key.startsWith(`${cluster.prefix}:throttle:`)),
      keys.join(', '),
    );
  });

  test('polling one task is limited across both processes as well', async () => {
    const auth = bearerFor(`poller-${randomUUID()}`);
    const path = `/result/${randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < POLLS + 1; i++) {
      statuses.push((await getJson(`${apis[i % 2].baseUrl}${path}`, { Authorization: auth })).status);
    }
    assert.deepEqual(statuses, [...Array<number>(POLLS).fill(200), 429]);
  });
});

describe('rate limits while Redis is down: they fail open', { skip }, () => {
  let redis: PersistentRedis;
  let cluster: Cluster;
  let api: RunningServer;

  before(async () => {
    redis = await PersistentRedis.start();
    cluster = new Cluster(redis.url, LIMITS);
    api = await cluster.startApi({ LOG_LEVEL: 'info' });
  });
  after(async () => {
    await cluster?.stop();
    await redis?.stop();
  });

  test('a Redis that accepts connections but answers nothing delays a request by the command timeout only', async () => {
    const auth = bearerFor(`frozen-${randomUUID()}`);
    assert.equal(await uploadStatus(api, auth), 415, 'counted while Redis answers');
    redis.freeze();
    try {
      const started = Date.now();
      assert.equal(await uploadStatus(api, auth), 415, 'let through uncounted');
      const waited = Date.now() - started;
      assert.ok(waited >= 900 && waited < 5000, `answered after ${waited} ms`);
    } finally {
      redis.unfreeze();
    }
    assert.equal(await uploadStatus(api, auth), 415);
    assert.match(api.output(), /rate limits are counted in Redis again/);
  });

  test('requests go through uncounted during the outage, with one warning, and are counted again after', async () => {
    await redis.down();
    const auth = bearerFor(`outage-${randomUUID()}`);
    for (let i = 0; i < UPLOADS + 2; i++) {
      const started = Date.now();
      assert.equal(await uploadStatus(api, auth), 415, `upload ${i + 1} during the outage was let through`);
      assert.ok(Date.now() - started < 5000, 'the limiter gives up on Redis within its command timeout');
    }
    // The frozen spell above was an outage of its own, with its own warning; this one adds one.
    const warnings = api.output().match(/rate limits not enforced while Redis does not answer/g) ?? [];
    assert.equal(warnings.length, 2, `one warning per outage:\n${api.output().slice(-3000)}`);

    await redis.up();
    // Counting resumes once the limiter's connection is back: wait for a counter to appear.
    const deadline = Date.now() + 30_000;
    let probe = 0;
    for (;;) {
      const subject = `probe-${probe++}-${randomUUID()}`;
      await uploadStatus(api, bearerFor(subject));
      if ((await cluster.redis.keys(`${cluster.prefix}:throttle:{subject:${subject}:*`)).length > 0) break;
      assert.ok(Date.now() < deadline, 'the limiter reconnected to Redis');
      await sleep(200);
    }
    const statuses: number[] = [];
    for (let i = 0; i < UPLOADS + 1; i++) statuses.push(await uploadStatus(api, auth));
    assert.deepEqual(statuses, [...Array<number>(UPLOADS).fill(415), 429]);
  });
});
