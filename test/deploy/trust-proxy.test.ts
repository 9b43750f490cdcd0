import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppConfig } from '../../src/config/app-config';
import { validateEnv } from '../../src/config/env.validation';
import { parseTrustProxy } from '../../src/config/trust-proxy';

const minimalApi = {
  APP_ROLE: 'api',
  JWT_SECRET: 'a-secret-long-enough-for-tests',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('TRUST_PROXY', () => {
  test('defaults to loopback: a proxy on this host, as deploy/Caddyfile', () => {
    assert.deepEqual(new AppConfig(validateEnv(minimalApi)).http.trustProxy, ['loopback']);
  });

  test('accepts off, on, a hop count, and lists of addresses, subnets and named ranges', () => {
    assert.equal(parseTrustProxy('false'), false);
    assert.equal(parseTrustProxy(''), false);
    assert.equal(parseTrustProxy('true'), true);
    assert.equal(parseTrustProxy('2'), 2);
    assert.deepEqual(parseTrustProxy('loopback, 10.0.0.0/8 fd00::/8,192.168.1.7'), [
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.7',
    ]);
  });

  test('a typo stops the server at start-up with the variable named', () => {
    for (const bad of ['loopbak', '10.0.0.0/33', '300.1.1.1', '::1/129']) {
      assert.throws(() => validateEnv({ ...minimalApi, TRUST_PROXY: bad }), /TRUST_PROXY/, bad);
    }
  });
});

describe('DIARIZATION_GPU_DEVICE', () => {
  test('reaches the diarization settings (default 0), as WHISPER_GPU_DEVICE reaches Whisper', () => {
    assert.equal(new AppConfig(validateEnv(minimalApi)).diarization.gpuDevice, 0);
    const config = new AppConfig(validateEnv({ ...minimalApi, DIARIZATION_GPU_DEVICE: '1' }));
    assert.equal(config.diarization.gpuDevice, 1);
    assert.throws(
      () => validateEnv({ ...minimalApi, DIARIZATION_GPU_DEVICE: '-1' }),
      /DIARIZATION_GPU_DEVICE/,
    );
  });
});
