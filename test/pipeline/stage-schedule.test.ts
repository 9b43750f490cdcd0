import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planStageSchedule, type CoreBudget } from '../../libs/pipeline';
import { AppConfig } from '../../src/config/app-config';
import { InvalidEnvironmentError, validateEnv } from '../../src/config/env.validation';

const cpu = (cores: number, extra: Partial<CoreBudget> = {}): CoreBudget => ({
  cores,
  jobs: 1,
  whisperOnGpu: false,
  diarizationOnGpu: false,
  ...extra,
});

describe('when diarization runs alongside transcription, and with how many threads', () => {
  test('auto: one after the other on the CPU alone, each stage with the whole machine as before', () => {
    for (const cores of [4, 8, 16, 64]) {
      assert.equal(planStageSchedule('auto', cpu(cores)).diarizeAlongside, false, `${cores} cores`);
    }
    assert.deepEqual(planStageSchedule('auto', cpu(1)), {
      diarizeAlongside: false,
      whisperThreads: 1,
      diarizationThreads: 1,
    });
    assert.deepEqual(planStageSchedule('auto', cpu(2)), {
      diarizeAlongside: false,
      whisperThreads: 2,
      diarizationThreads: 2,
    });
  });

  test('on, CPU only: the threads together never more than the cores', () => {
    for (const cores of [4, 6, 8, 12, 16, 32, 64]) {
      const plan = planStageSchedule('on', cpu(cores));
      assert.equal(plan.diarizeAlongside, true, `${cores} cores`);
      assert.ok(
        plan.whisperThreads + plan.diarizationThreads <= cores,
        `${cores} cores: ${JSON.stringify(plan)}`,
      );
      assert.ok(plan.whisperThreads >= plan.diarizationThreads, 'Whisper, the longer stage, gets more');
      assert.ok(plan.diarizationThreads >= 1 && plan.diarizationThreads <= 4);
    }
    assert.deepEqual(planStageSchedule('on', cpu(4)), {
      diarizeAlongside: true,
      whisperThreads: 3,
      diarizationThreads: 1,
    });
  });

  test('concurrent jobs divide the cores left to Whisper; the diarization threads are shared', () => {
    const plan = planStageSchedule('on', cpu(16, { jobs: 3 }));
    assert.equal(plan.diarizationThreads, 4);
    assert.equal(plan.whisperThreads, 4);
    assert.ok(plan.whisperThreads * 3 + plan.diarizationThreads <= 16);
  });

  test('auto: side by side with either on a GPU, whatever the cores', () => {
    const whisperGpu = planStageSchedule('auto', cpu(2, { whisperOnGpu: true }));
    assert.deepEqual(whisperGpu, { diarizeAlongside: true, whisperThreads: 1, diarizationThreads: 1 });
    const big = planStageSchedule('auto', cpu(8, { whisperOnGpu: true }));
    assert.deepEqual(big, { diarizeAlongside: true, whisperThreads: 4, diarizationThreads: 4 });
    const diarizationGpu = planStageSchedule('auto', cpu(2, { diarizationOnGpu: true }));
    assert.deepEqual(diarizationGpu, { diarizeAlongside: true, whisperThreads: 1, diarizationThreads: 1 });
  });

  test('on and off force it; threads set by the user are kept', () => {
    assert.equal(planStageSchedule('on', cpu(2)).diarizeAlongside, true);
    assert.deepEqual(planStageSchedule('on', cpu(2)), {
      diarizeAlongside: true,
      whisperThreads: 1,
      diarizationThreads: 1,
    });
    assert.equal(planStageSchedule('off', cpu(16, { whisperOnGpu: true })).diarizeAlongside, false);
    assert.deepEqual(planStageSchedule('on', cpu(8, { whisperThreads: 8, diarizationThreads: 3 })), {
      diarizeAlongside: true,
      whisperThreads: 8,
      diarizationThreads: 3,
    });
    assert.equal(planStageSchedule('on', cpu(8, { diarizationThreads: 3 })).whisperThreads, 5);
  });

  test('DIARIZE_ALONGSIDE reaches the worker configuration; a wrong value stops the start', () => {
    const env = { APP_ROLE: 'api', JWT_SECRET: 'x', REDIS_URL: 'redis://127.0.0.1:6379' };
    const forced = new AppConfig(validateEnv({ ...env, DIARIZE_ALONGSIDE: 'on', WHISPER_THREADS: '1' }));
    assert.equal(forced.jobs.diarizeAlongside, true);
    assert.equal(forced.whisper.threads, 1);
    assert.equal(
      new AppConfig(validateEnv({ ...env, DIARIZE_ALONGSIDE: 'false' })).jobs.diarizeAlongside,
      false,
    );
    assert.equal(
      new AppConfig(validateEnv({ ...env, DIARIZE_ALONGSIDE: ' ON ' })).jobs.diarizeAlongside,
      true,
    );
    assert.throws(() => validateEnv({ ...env, DIARIZE_ALONGSIDE: 'sometimes' }), InvalidEnvironmentError);
    assert.throws(
      () => validateEnv({ ...env, DIARIZE_ALONGSIDE: 'sometimes' }),
      /DIARIZE_ALONGSIDE must be auto, on or off/,
    );
  });
});
