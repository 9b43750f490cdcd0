import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EmbeddedRedisError, startEmbeddedRedis } from '../../src/bootstrap/embedded-redis';

describe('the embedded Redis', () => {
  test('a missing redis-server is said to be missing, at once', async () => {
    const started = Date.now();
    await assert.rejects(startEmbeddedRedis('/nonexistent/redis-server'), (error: unknown) => {
      assert.ok(error instanceof EmbeddedRedisError);
      assert.match(error.message, /redis-server is not installed/);
      return true;
    });
    assert.ok(Date.now() - started < 5000, 'without waiting for the start-up timeout');
  });
});
