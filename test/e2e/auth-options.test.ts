import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { mintToken } from '../../src/auth/mint-token';
import { fixtures, skipUnlessPresent } from '../support/shared-files';
import { submit } from './support/http-client';
import { forgeJwt, nowSeconds } from './support/jwt';
import { JWT_SECRET, type RunningServer, startServer, TEST_TOKEN } from './support/server-process';

const WAV = fixtures.audio('conv-en-2spk.wav');
const ISSUER = 'https://auth.internal.example';
const AUDIENCE = 'speech-api';
const HS256 = { alg: 'HS256', typ: 'JWT' };
/** API processes only: what is checked here happens before any job runs. */
const API_ONLY = { APP_ROLE: 'api' };

const bearer = (payload: Record<string, unknown>): string =>
  `Bearer ${forgeJwt(HS256, { iat: nowSeconds(), ...payload }, JWT_SECRET)}`;

/** GET /result of an unknown id: 200 (pending) when the token is accepted, else 401 with its reason. */
async function tryToken(
  server: RunningServer,
  authorization: string,
): Promise<{ status: number; message: string }> {
  const response = await fetch(`${server.baseUrl}/result/${randomUUID()}`, {
    headers: { Authorization: authorization },
  });
  const body = (await response.json()) as { detail?: string; status?: string };
  return { status: response.status, message: String(body.detail ?? body.status) };
}

async function cancel(server: RunningServer, authorization: string, taskId: string): Promise<number> {
  const response = await fetch(`${server.baseUrl}/result/${taskId}`, {
    method: 'DELETE',
    headers: { Authorization: authorization },
  });
  return response.status;
}

describe('JWT options (issue 12, item 5)', { skip: skipUnlessPresent(WAV) }, () => {
  let lenient: RunningServer;
  let strict: RunningServer;

  before(async () => {
    [lenient, strict] = await Promise.all([
      startServer(API_ONLY),
      startServer({
        ...API_ONLY,
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
        JWT_REQUIRE_EXP: 'true',
        JWT_REQUIRE_SUB: 'true',
      }),
    ]);
  });
  after(async () => {
    await Promise.all([lenient?.stop(), strict?.stop()]);
  });

  test('by default: tokens without exp are accepted, and tokens without sub share the owner anonymous', async () => {
    assert.equal((await tryToken(lenient, bearer({ sub: 'alice' }))).status, 200, 'no exp');
    assert.equal((await tryToken(lenient, bearer({ sub: 'alice', iss: 'anyone', aud: 'x' }))).status, 200);
    assert.equal(
      (await tryToken(lenient, bearer({ sub: 'a', exp: nowSeconds() - 5 }))).status,
      401,
      'expired',
    );

    const created = await submit(lenient.baseUrl, bearer({ purpose: 'first' }), WAV);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const taskId = created.body.task_id as string;
    // Another subject-less token is the same owner; a named subject is not.
    assert.equal(await cancel(lenient, bearer({ sub: 'bob' }), taskId), 404);
    assert.equal(await cancel(lenient, bearer({ purpose: 'second' }), taskId), 200);
  });

  test('JWT_ISSUER and JWT_AUDIENCE: iss and aud must match, and the 401 does not say what is expected', async () => {
    const good = { sub: 'carol', iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 600 };
    assert.equal((await tryToken(strict, bearer(good))).status, 200);
    assert.equal((await tryToken(strict, bearer({ ...good, aud: ['other', AUDIENCE] }))).status, 200);
    for (const [name, payload, reason] of [
      ['wrong issuer', { ...good, iss: 'https://evil.example' }, /wrong issuer/],
      ['no issuer', { ...good, iss: undefined }, /wrong issuer/],
      ['wrong audience', { ...good, aud: 'billing' }, /wrong audience/],
      ['no audience', { ...good, aud: undefined }, /wrong audience/],
    ] as const) {
      const answer = await tryToken(strict, bearer(payload));
      assert.equal(answer.status, 401, name);
      assert.match(answer.message, reason, name);
      assert.ok(!answer.message.includes(ISSUER) && !answer.message.includes(AUDIENCE), answer.message);
    }
    // What the CLI mints from the same environment passes.
    const minted = mintToken(JWT_SECRET, 'dave', '10m', { issuer: ISSUER, audience: AUDIENCE });
    assert.equal((await tryToken(strict, `Bearer ${minted}`)).status, 200);
    assert.equal((await tryToken(strict, `Bearer ${mintToken(JWT_SECRET, 'dave', '10m')}`)).status, 401);
  });

  test('JWT_REQUIRE_EXP and JWT_REQUIRE_SUB refuse tokens without them; the test token is unaffected', async () => {
    const good = { sub: 'erin', iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 600 };
    const noExp = await tryToken(strict, bearer({ ...good, exp: undefined }));
    assert.equal(noExp.status, 401);
    assert.match(noExp.message, /no exp claim/);
    const noSub = await tryToken(strict, bearer({ ...good, sub: undefined }));
    assert.equal(noSub.status, 401);
    assert.match(noSub.message, /no sub claim/);
    assert.equal((await tryToken(strict, bearer({ ...good, sub: '' }))).status, 401, 'an empty sub is none');
    assert.equal((await tryToken(strict, `Bearer ${TEST_TOKEN}`)).status, 200);
  });

  test('a malformed switch stops the server at start-up, naming it', async () => {
    await assert.rejects(startServer({ ...API_ONLY, JWT_REQUIRE_EXP: 'sometimes' }), /JWT_REQUIRE_EXP/);
  });
});
