import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Test } from '@nestjs/testing';
import { AppConfig } from '../../src/config/app-config';
import { AppConfigModule } from '../../src/config/config.module';
import { InvalidEnvironmentError, validateEnv } from '../../src/config/env.validation';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { models, skipUnlessPresent } from '../support/shared-files';

const minimalApi = { APP_ROLE: 'api', JWT_SECRET: 'a-secret', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('environment validation', () => {
  test('an API process needs only JWT_SECRET and REDIS_URL; everything else has its default', () => {
    const config = new AppConfig(validateEnv({ ...minimalApi, PATH: '/usr/bin' }));
    assert.equal(config.http.port, 8088);
    assert.equal(config.upload.maxBytes, 1024 ** 3);
    assert.equal(config.jobs.timeoutMs, 3 * 60 * 60 * 1000);
    assert.equal(config.results.ttlMs, 3 * 60 * 60 * 1000);
    assert.equal(config.auth.testToken, null);
    assert.equal(config.redis.prefix, 'speech');
    assert.equal(config.runsWorker, false);
  });

  test('strings are converted and blank optional values mean unset', () => {
    const config = new AppConfig(
      validateEnv({
        ...minimalApi,
        PORT: '9000',
        TEST_TOKEN: '  ',
        WORKER_CONCURRENCY: '3',
        WHISPER_USE_GPU: 'yes',
      }),
    );
    assert.equal(config.http.port, 9000);
    assert.equal(config.auth.testToken, null);
    assert.equal(config.jobs.concurrency, 3);
    assert.equal(config.whisper.useGpu, true);
  });

  test("DIARIZATION_STEP defaults to pyannote's 0.1 and must be a fraction of the window", () => {
    assert.equal(new AppConfig(validateEnv(minimalApi)).diarization.stepRatio, 0.1);
    assert.equal(
      new AppConfig(validateEnv({ ...minimalApi, DIARIZATION_STEP: '0.2' })).diarization.stepRatio,
      0.2,
    );
    for (const bad of ['0', '1.5', 'fast']) {
      assert.throws(
        () => validateEnv({ ...minimalApi, DIARIZATION_STEP: bad }),
        (error: unknown) =>
          error instanceof InvalidEnvironmentError && /DIARIZATION_STEP/.test(error.message),
        bad,
      );
    }
  });

  test('every missing or wrong variable is named, one per line', () => {
    assert.throws(
      () =>
        validateEnv({
          PORT: 'eighty',
          REDIS_URL: 'localhost:6379',
          WORKER_CONCURRENCY: '0',
          JOB_TIMEOUT_MS: '-5',
          MODELS_DIR: '/nonexistent',
        }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidEnvironmentError);
        const lines = error.message.split('\n').slice(1);
        const named = lines.map((line) => line.trim().split(':')[0].replace('- ', ''));
        assert.deepEqual(named.sort(), [
          'JOB_TIMEOUT_MS',
          'JWT_SECRET',
          'PORT',
          'REDIS_URL',
          'WHISPER_MODEL_PATH',
          'WORKER_CONCURRENCY',
        ]);
        assert.match(error.message, /JWT_SECRET must be set/);
        assert.match(error.message, /REDIS_URL must start with redis:\/\//);
        return true;
      },
    );
  });

  test('a worker needs an existing Whisper model; optional model paths must exist when given', () => {
    assert.throws(
      () => validateEnv({ ...minimalApi, APP_ROLE: 'worker', WHISPER_MODEL_PATH: '/no/such/model.bin' }),
      /WHISPER_MODEL_PATH must name an existing file \(got "\/no\/such\/model.bin"\)/,
    );
    assert.throws(
      () =>
        validateEnv({
          ...minimalApi,
          APP_ROLE: 'all',
          WHISPER_MODEL_PATH: __filename,
          VAD_MODEL_PATH: '/nope',
        }),
      /VAD_MODEL_PATH must name an existing file/,
    );
  });

  test(
    'a worker with the shared models validates',
    { skip: skipUnlessPresent(models.whisperTiny, models.segmentation) },
    () => {
      const config = new AppConfig(
        validateEnv({
          ...minimalApi,
          APP_ROLE: 'all',
          WHISPER_MODEL_PATH: models.whisperTiny,
          SEGMENTATION_MODEL_PATH: models.segmentation,
          WORKER_CONCURRENCY: '2',
          MODELS_DIR: '/nonexistent',
        }),
      );
      assert.equal(config.whisper.modelPath, models.whisperTiny);
      assert.equal(config.whisper.vadModelPath, null);
      assert.ok(config.whisper.threads >= 1);
      assert.equal(config.runsApi && config.runsWorker, true);
    },
  );

  test('unset model paths are found where `npm run models` installs them; `off` turns one off', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'models-'));
    try {
      for (const folder of ['whisper', 'vad', 'segmentation']) mkdirSync(path.join(dir, folder));
      writeFileSync(path.join(dir, 'whisper', 'for-tests-ggml-tiny.bin'), 'x');
      writeFileSync(path.join(dir, 'whisper', 'ggml-base.bin'), 'x');
      writeFileSync(path.join(dir, 'vad', 'ggml-silero-v6.2.0.bin'), 'x');
      copyFileSync(__filename, path.join(dir, 'segmentation', 'other.onnx'));
      const found = new AppConfig(validateEnv({ ...minimalApi, APP_ROLE: 'all', MODELS_DIR: dir }));
      assert.equal(found.whisper.modelPath, path.join(dir, 'whisper', 'ggml-base.bin'));
      assert.equal(found.whisper.vadModelPath, path.join(dir, 'vad', 'ggml-silero-v6.2.0.bin'));
      assert.equal(found.diarization.segmentationModelPath, path.join(dir, 'segmentation', 'other.onnx'));
      assert.equal(found.diarization.embeddingModelPath, null);
      const chosen = new AppConfig(
        validateEnv({
          ...minimalApi,
          APP_ROLE: 'all',
          MODELS_DIR: dir,
          WHISPER_MODEL_PATH: __filename,
          VAD_MODEL_PATH: 'off',
        }),
      );
      assert.equal(chosen.whisper.modelPath, __filename);
      assert.equal(chosen.whisper.vadModelPath, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the configuration module', () => {
  test('validates the environment once, when the app module is built, and provides that AppConfig', async () => {
    assert.throws(() => AppConfigModule.forRoot({ APP_ROLE: 'api' }), InvalidEnvironmentError);
    const module = AppConfigModule.forRoot({ ...minimalApi, JOB_TIMEOUT_MS: '1234' });
    const app = await Test.createTestingModule({ imports: [module] }).compile();
    const config = app.get(AppConfig);
    assert.equal(config.jobs.timeoutMs, 1234);
    await app.close();
  });
});
