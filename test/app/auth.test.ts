import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JwtService } from '@nestjs/jwt';
import { mintToken } from '../../src/auth/mint-token';
import { TestTokenMatcher } from '../../src/auth/test-token.matcher';
import { extractToken } from '../../src/auth/token-extractor';
import type { AppConfig } from '../../src/config/app-config';

const withTestToken = (testToken: string | null): AppConfig =>
  ({ auth: { jwtSecret: 's', testToken } }) as AppConfig;

describe('auth building blocks', () => {
  test('the Authorization header may hold the token bare or as Bearer, nothing else', () => {
    assert.equal(extractToken('abc.def.ghi'), 'abc.def.ghi');
    assert.equal(extractToken('Bearer abc'), 'abc');
    assert.equal(extractToken('bearer   abc '), 'abc');
    assert.equal(extractToken(undefined), null);
    assert.equal(extractToken(''), null);
    assert.equal(extractToken('Basic dXNlcjpwYXNz'), null);
    assert.equal(extractToken('Bearer a b'), null);
  });

  test('the test token matches exactly, and nothing matches when it is unset', () => {
    const matcher = new TestTokenMatcher(withTestToken('s3cret'));
    assert.equal(matcher.matches('s3cret'), true);
    assert.equal(matcher.matches('s3cre'), false);
    assert.equal(matcher.matches('s3cret '), false);
    assert.equal(new TestTokenMatcher(withTestToken(null)).matches(''), false);
  });

  test('minted tokens are HS256 with the subject and the requested expiry', async () => {
    const token = mintToken('secret', 'alice', '2h');
    const [header] = token.split('.');
    assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
    const payload = await new JwtService({ secret: 'secret' }).verifyAsync<{
      sub: string;
      exp: number;
      iat: number;
    }>(token, { algorithms: ['HS256'] });
    assert.equal(payload.sub, 'alice');
    assert.equal(payload.exp - payload.iat, 7200);
    assert.throws(() => mintToken('secret', ' ', '1h'), /subject/);
  });
});
