import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readWavFile } from '../../libs/audio';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { getJson, pollUntilDone, submit } from './support/http-client';
import { freePort, type RunningServer, startServer, TEST_TOKEN } from './support/server-process';

const WAV = fixtures.audio('conv-en-2spk.wav');
const AUTH = `Bearer ${TEST_TOKEN}`;
const skip = skipUnlessPresent(models.whisperTiny, models.segmentation, WAV);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A small parser of the Prometheus text format: every sample line, with HELP/TYPE checked. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith('#')) {
      assert.match(line, /^# HELP \S+ /, `bad comment line: ${line}`);
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `bad sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]] = pair[2];
    }
    const value = Number(match[4] === '+Inf' ? Infinity : match[4]);
    assert.ok(!Number.isNaN(value), `bad value: ${line}`);
    samples.push({ name: match[1], labels, value });
  }
  return { samples, types };
}

const find = (samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] =>
  samples.filter(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );

async function scrape(baseUrl: string): Promise<ReturnType<typeof parsePrometheus>> {
  const response = await fetch(`${baseUrl}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  return parsePrometheus(await response.text());
}

describe('health, readiness, metrics and logs', { skip }, () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer({ LOG_LEVEL: 'info' });
  });
  after(() => server?.stop());

  test('/health is live and /health/ready checks Redis, ffmpeg and the models', async () => {
    const live = await getJson(`${server.baseUrl}/health`);
    assert.equal(live.status, 200);
    assert.equal(live.body.status, 'ok');
    const ready = await getJson(`${server.baseUrl}/health/ready`);
    assert.equal(ready.status, 200);
    const info = ready.body.info as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(info).sort(), ['ffmpeg', 'models', 'redis']);
    for (const check of Object.values(info)) assert.equal(check.status, 'up');
    assert.equal(info.models.loaded, true);
  });

  test('a job shows up in /metrics as Prometheus text, and its log lines carry its task id', async () => {
    const before = await scrape(server.baseUrl);
    assert.equal(before.types.get('speech_jobs_total'), 'counter');
    assert.equal(before.types.get('http_request_duration_seconds'), 'histogram');
    assert.equal(before.types.get('speech_stage_duration_seconds'), 'histogram');
    assert.equal(before.types.get('speech_real_time_factor'), 'histogram');
    assert.equal(find(before.samples, 'speech_queue_depth').length, 1);
    assert.equal(find(before.samples, 'speech_upload_bytes_total')[0]?.value, 0);

    const { status, body } = await submit(server.baseUrl, AUTH, WAV);
    assert.equal(status, 200, JSON.stringify(body));
    const taskId = body.task_id as string;
    const done = await pollUntilDone(server.baseUrl, AUTH, taskId, { timeoutMs: 60_000 });
    assert.equal(done.status, 'completed');
    // The worker's completed event comes a moment after the result is stored.
    let after = await scrape(server.baseUrl);
    for (
      let i = 0;
      i < 20 && find(after.samples, 'speech_jobs_total', { state: 'completed' })[0]?.value !== 1;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape(server.baseUrl);
    }
    assert.equal(find(after.samples, 'speech_jobs_total', { state: 'completed' })[0]?.value, 1);
    assert.equal(find(after.samples, 'speech_upload_bytes_total')[0]?.value, statSync(WAV).size);
    // The decoded length itself (the fixture is 16 kHz mono, so decoding keeps every sample).
    const { samples, sampleRate } = readWavFile(WAV);
    const audio = find(after.samples, 'speech_audio_seconds_processed_total')[0]?.value ?? 0;
    assert.ok(Math.abs(audio - samples.length / sampleRate) < 1e-3, `audio seconds ${audio}`);
    assert.equal(find(after.samples, 'speech_real_time_factor_count')[0]?.value, 1);
    assert.equal(
      find(after.samples, 'speech_stage_duration_seconds_count', { stage: 'transcribing' })[0]?.value,
      1,
    );
    const polls = find(after.samples, 'http_request_duration_seconds_count', {
      route: '/result/:task_id',
      method: 'GET',
      status_code: '200',
    });
    assert.ok((polls[0]?.value ?? 0) >= 1, 'polls are timed under their route pattern, not the raw URL');
    assert.equal(
      after.samples.filter((sample) => (sample.labels.route ?? '').includes(taskId)).length,
      0,
      'no series per task id',
    );

    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const jobLines = lines.filter((line) => String(line.msg ?? '').includes(`task ${taskId}`));
    assert.ok(jobLines.length >= 2, 'the job logged its start and its end');
    for (const line of jobLines)
      assert.equal(line.taskId, taskId, `line without taskId: ${JSON.stringify(line)}`);
  });

  test('a worker-only process serves /metrics and /health/ready on METRICS_PORT', async () => {
    const port = await freePort();
    const worker = await startServer(
      { APP_ROLE: 'worker', METRICS_PORT: String(port), LOG_LEVEL: 'info' },
      { prefix: server.prefix, uploadDir: server.uploadDir, readyWhen: /worker metrics and health/ },
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      const metrics = await scrape(base);
      assert.equal(metrics.types.get('speech_jobs_total'), 'counter');
      const ready = await getJson(`${base}/health/ready`);
      assert.equal(ready.status, 200);
      assert.equal((ready.body.info as Record<string, Record<string, unknown>>).models.loaded, true);
    } finally {
      await worker.stop();
    }
  });
});
