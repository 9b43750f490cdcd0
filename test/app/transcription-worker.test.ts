import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getQueueToken } from '@nestjs/bull';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { AppConfig } from '../../src/config/app-config';
import { validateEnv } from '../../src/config/env.validation';
import { DiarizationEngine } from '../../src/diarization/diarization-engine';
import { buildJob } from '../../src/jobs/job-builder';
import { JobName, type LegacyJobData, QueueName } from '../../src/jobs/job-catalogue';
import { TranscriptionQueueRepository } from '../../src/jobs/transcription-queue.repository';
import { contractBody } from '../../src/results/contract-body';
import { ResultStore } from '../../src/results/result-store.repository';
import { ResultsModule } from '../../src/results/results.module';
import { ResultsService } from '../../src/results/results.service';
import type { SpeechRequest } from '../../libs/pipeline';
import type { Transcription } from '../../libs/speech';
import { SpeechEngine } from '../../src/speech/speech-engine';
import { newTaskId } from '../../src/jobs/task-id';
import { TranscriptionModule } from '../../src/transcription/transcription.module';
import { CancelFlags } from '../../src/results/cancel-flags.repository';
import { WebhooksModule } from '../../src/webhooks/webhooks.module';
import { UploadJanitor } from '../../src/transcription/upload-janitor';
import { fixtures, skipUnlessPresent } from '../support/shared-files';
import {
  fixtureTurns,
  ScriptedSpeechEngine,
  UnavailableDiarizationEngine,
} from './support/substitute-engines';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WAV = fixtures.audio('conv-en-2spk.wav');

/** Scripted words, or, for chosen tasks, a transcription that holds until released or aborted. */
class ControllableSpeechEngine extends SpeechEngine {
  private readonly scripted = new ScriptedSpeechEngine(fixtureTurns(fixtures.audio('conv-en-2spk.json')));
  readonly held = new Map<string, { release: () => void; fail: (error: Error) => void; aborted: boolean }>();
  holdNext = false;

  transcribe(samples: Float32Array, request: SpeechRequest): Promise<Transcription> {
    if (!this.holdNext) return this.scripted.transcribe(samples, request);
    this.holdNext = false;
    return new Promise((resolve, reject) => {
      const entry = {
        release: () => resolve(this.scripted.transcribe(samples, request)),
        fail: reject,
        aborted: false,
      };
      this.held.set(String(this.held.size), entry);
      request.onProgress?.(40);
      request.signal?.addEventListener('abort', () => {
        entry.aborted = true;
        reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      });
    });
  }
}

describe(
  'the Bull worker against real Redis (scripted speech engine)',
  { skip: skipUnlessPresent(WAV) },
  () => {
    const prefix = `apptest-${randomBytes(5).toString('hex')}`;
    const uploadDir = mkdtempSync(path.join(tmpdir(), 'app-worker-'));
    const speech = new ControllableSpeechEngine();
    const config = new AppConfig(
      validateEnv({
        APP_ROLE: 'all',
        JWT_SECRET: 'x',
        REDIS_URL,
        REDIS_PREFIX: prefix,
        UPLOAD_DIR: uploadDir,
        WHISPER_MODEL_PATH: __filename,
        JOB_TIMEOUT_MS: '3000',
      }),
    );
    let app: INestApplicationContext;
    let redis: Redis;

    @Global()
    @Module({ providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] })
    class TestConfigModule {}

    before(async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [
          TestConfigModule,
          TranscriptionModule.register({ api: false, worker: true }),
          WebhooksModule.forRole({ api: false, worker: true }),
          ResultsModule,
        ],
      })
        .overrideProvider(SpeechEngine)
        .useValue(speech)
        .overrideProvider(DiarizationEngine)
        .useValue(new UnavailableDiarizationEngine())
        .compile();
      app = await moduleRef.init();
      redis = new Redis(REDIS_URL);
    });

    after(async () => {
      await app?.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      rmSync(uploadDir, { recursive: true, force: true });
    });

    function upload(): { taskId: string; filePath: string } {
      const taskId = newTaskId();
      const filePath = path.join(uploadDir, taskId);
      copyFileSync(WAV, filePath);
      return { taskId, filePath };
    }

    async function enqueue(owner: string): Promise<{ taskId: string; filePath: string }> {
      const file = upload();
      await app.get(TranscriptionQueueRepository).enqueue(
        buildJob({
          kind: 'transcribe',
          owner,
          upload: file,
          speakers: { speakerCount: 2, speakerCountGiven: true, defaultCount: 2 },
          whisper: {},
        }),
      );
      return file;
    }

    test('a job queued by the previous version (flat params, no kind) still runs after the upgrade', async () => {
      const queue = app.get<Queue>(getQueueToken(QueueName.Transcription));
      const file = upload();
      const legacy: LegacyJobData = {
        ...file,
        owner: 'ivan',
        params: {
          speakerCount: 2,
          language: null,
          temperature: 0,
          noSpeechThreshold: 0.6,
          initialPrompt: '',
        },
      };
      await queue.add(JobName.Transcribe, legacy, { jobId: file.taskId });
      const result = await waitForResult(file.taskId);
      assert.equal(result.status, 'completed');
      assert.equal((result.results as unknown[]).length, 7);
    });

    async function waitForResult(taskId: string): Promise<Record<string, unknown>> {
      const store = app.get(ResultStore);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const stored = await store.find(taskId);
        if (stored?.record) return contractBody(stored.record) as unknown as Record<string, unknown>;
        assert.ok(Date.now() < deadline, `no result for ${taskId}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    test('a job is decoded, transcribed, combined, stored for its owner, and its upload deleted', async () => {
      const { taskId, filePath } = await enqueue('alice');
      const result = await waitForResult(taskId);
      assert.equal(result.status, 'completed');
      const entries = result.results as { speaker: number; text: string }[];
      assert.equal(entries.length, 7);
      assert.equal(entries[0].text, 'Good morning. Thanks for joining the call about the quarterly budget.');
      assert.equal((await app.get(ResultStore).find(taskId))?.owner, 'alice');
      await waitUntil(() => !existsSync(filePath));
      const answer = await app.get(ResultsService).answer(taskId, 'alice');
      assert.equal(answer.json, JSON.stringify(result));
      assert.ok(answer.onDelivered);
      await answer.onDelivered();
      assert.deepEqual(await app.get(ResultsService).answer(taskId, 'alice'), {
        json: '{"status":"pending"}',
      });
    });

    test('a running job reads as processing with its stage, to its owner only', async () => {
      speech.holdNext = true;
      const { taskId } = await enqueue('carol');
      const results = app.get(ResultsService);
      await waitUntil(
        async () => JSON.parse((await results.answer(taskId, 'carol')).json).info === 'transcribing',
      );
      const body = JSON.parse((await results.answer(taskId, 'carol')).json) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), ['status', 'info', 'progress']);
      assert.equal(body.status, 'processing');
      assert.ok((body.progress as number) >= 5 && (body.progress as number) < 75);
      assert.deepEqual(await results.answer(taskId, 'dave'), { json: '{"status":"pending"}' });
      speech.held.get(String(speech.held.size - 1))?.release();
      assert.equal((await waitForResult(taskId)).status, 'completed');
      assert.deepEqual(await results.answer(taskId, 'dave'), { json: '{"status":"pending"}' });
    });

    test('an answer with wait is given as soon as the result is stored, and is the same answer', async () => {
      speech.holdNext = true;
      const { taskId } = await enqueue('gina');
      const results = app.get(ResultsService);
      await waitUntil(
        async () => JSON.parse((await results.answer(taskId, 'gina')).json).status === 'processing',
      );
      const waited = results.answer(taskId, 'gina', 'json', { ms: 20_000 });
      // Still held: the task is running.
      assert.equal(
        await Promise.race([waited.then(() => 'answered'), sleep(300).then(() => 'held')]),
        'held',
      );
      const released = Date.now();
      speech.held.get(String(speech.held.size - 1))?.release();
      const answer = await waited;
      assert.ok(Date.now() - released < 2000, `answered ${Date.now() - released} ms after the release`);
      assert.equal((JSON.parse(answer.json) as { status: string }).status, 'completed');
      assert.ok(answer.onDelivered, 'a finished result, delivered once like any other');
      await answer.onDelivered();
      assert.deepEqual(await results.answer(taskId, 'gina'), { json: '{"status":"pending"}' });
    });

    test('a wait that runs out, or whose client went away, answers the state as it stands', async () => {
      speech.holdNext = true;
      const { taskId } = await enqueue('hank');
      const results = app.get(ResultsService);
      await waitUntil(
        async () => JSON.parse((await results.answer(taskId, 'hank')).json).status === 'processing',
      );
      let started = Date.now();
      const timedOut = JSON.parse((await results.answer(taskId, 'hank', 'json', { ms: 300 })).json);
      assert.equal(timedOut.status, 'processing');
      assert.ok(Date.now() - started >= 290, 'held for the wait');
      const gone = new AbortController();
      started = Date.now();
      setTimeout(() => gone.abort(), 100);
      const abandoned = await results.answer(taskId, 'hank', 'json', { ms: 20_000, signal: gone.signal });
      assert.ok(Date.now() - started < 2000, 'stopped waiting when the client went away');
      assert.equal(JSON.parse(abandoned.json).status, 'processing');
      // Another user's task: pending after the wait, as without it.
      assert.deepEqual(await results.answer(taskId, 'ivan', 'json', { ms: 100 }), {
        json: '{"status":"pending"}',
      });
      speech.held.get(String(speech.held.size - 1))?.release();
      assert.equal((await waitForResult(taskId)).status, 'completed');
    });

    test('a job that fails after its owner cancelled it (upload gone) stores nothing: cancelled, not failed', async () => {
      speech.holdNext = true;
      const { taskId, filePath } = await enqueue('hana');
      const results = app.get(ResultsService);
      await waitUntil(
        async () => JSON.parse((await results.answer(taskId, 'hana')).json).info === 'transcribing',
      );
      // The flag is up, and the work fails at once, well before the worker's cancel poll could abort it:
      // the order in which a vanished upload makes ffmpeg fail.
      await app.get(CancelFlags).raise(taskId);
      speech.held
        .get(String(speech.held.size - 1))
        ?.fail(new Error(`${filePath}: No such file or directory`));
      await waitUntil(() => !existsSync(filePath));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(await app.get(ResultStore).find(taskId), null, 'no result stored');
      assert.deepEqual(await results.answer(taskId, 'hana'), { json: '{"status":"pending"}' });
      // And the store itself refuses any record for a cancelled task, whoever tries.
      assert.equal(
        await app.get(ResultStore).saveIfAbsent(taskId, 'hana', {
          status: 'failed',
          kind: 'failure',
          code: 'internal',
          message: 'late',
        }),
        'cancelled',
      );
    });

    test('JOB_TIMEOUT_MS aborts the transcription itself and the job fails with a clear message', async () => {
      speech.holdNext = true;
      const started = Date.now();
      const { taskId, filePath } = await enqueue('erin');
      const result = await waitForResult(taskId);
      assert.deepEqual(result, {
        status: 'failed',
        error: 'processing took longer than the limit of 3 s (JOB_TIMEOUT_MS) and was stopped',
      });
      assert.ok(Date.now() - started < 8000);
      assert.equal(
        speech.held.get(String(speech.held.size - 1))?.aborted,
        true,
        'the speech engine saw the abort',
      );
      await waitUntil(() => !existsSync(filePath));
    });

    test('a job Bull gives up on (stalled) still ends failed for its owner, with its upload deleted', async () => {
      const queue = app.get<Queue>(getQueueToken(QueueName.Transcription));
      const { taskId, filePath } = upload();
      // Added straight to Bull with a name no worker processes, as a job of a vanished worker would be.
      const job = await queue.add(
        'orphan',
        { taskId, owner: 'frank', filePath, params: {} },
        { jobId: taskId },
      );
      queue.emit('failed', job, new Error('job stalled more than allowable limit'));
      const result = await waitForResult(taskId);
      assert.equal(result.status, 'failed');
      assert.match(result.error as string, /interrupted/);
      await waitUntil(() => !existsSync(filePath));
      // A worker may still hold the orphan's lock (it fails it for want of a handler): remove once released.
      await waitUntil(() =>
        job.remove().then(
          () => true,
          () => false,
        ),
      );
    });

    test('the janitor sweeps old uploads whose job is gone and keeps the others', async () => {
      const orphan = path.join(uploadDir, newTaskId());
      const young = path.join(uploadDir, newTaskId());
      writeFileSync(orphan, 'x');
      writeFileSync(young, 'x');
      const hourAgo = new Date(Date.now() - 3600_000);
      utimesSync(orphan, hourAgo, hourAgo);
      const removed = await app.get(UploadJanitor).sweep();
      assert.equal(removed, 1);
      assert.equal(existsSync(orphan), false);
      assert.equal(existsSync(young), true);
      rmSync(young);
    });
  },
);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, 'condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
