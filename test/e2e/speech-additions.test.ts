import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { decodeChannelsToPcm } from '../../libs/audio';
import { computeDer } from '../../libs/diarization';
import { AppConfig } from '../../src/config/app-config';
import { validateEnv } from '../../src/config/env.validation';
import { DiarizationEngine } from '../../src/diarization/diarization-engine';
import { ResultsModule } from '../../src/results/results.module';
import { SpeechEngine } from '../../src/speech/speech-engine';
import { TranscriptionModule } from '../../src/transcription/transcription.module';
import { WebhooksModule } from '../../src/webhooks/webhooks.module';
import { UnavailableDiarizationEngine } from '../app/support/substitute-engines';
import { EnergySpeechEngine, rmsDb } from '../support/energy-speech-engine';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import {
  type ChannelSource,
  sourceSpeechTurns,
  writeChannelsWav,
  writeToneChannelsWav,
} from '../support/stereo';
import { pollUntilDone, type ResultBody } from './support/http-client';
import { type RunningServer, startServer, TEST_REDIS_URL, TEST_TOKEN } from './support/server-process';

const AUTH = `Bearer ${TEST_TOKEN}`;
const CALL = fixtures.real('stereo_diarization.wav');
const JFK = fixtures.real('jfk.wav');
const LIBRISPEECH = fixtures.real('librispeech-1995-1837-0001.wav');
const SOURCES: ChannelSource[] = [
  { file: JFK, offsetSeconds: 1.25 },
  { file: LIBRISPEECH, offsetSeconds: 6.5 },
];
const skip = skipUnlessPresent(
  models.whisperTiny,
  models.sileroVad,
  models.segmentation,
  CALL,
  JFK,
  LIBRISPEECH,
);

interface Turn {
  speaker: number;
  start: number;
  end: number;
}
interface Entry extends Turn {
  text: string;
  probability?: number;
  words?: { word: string; start: number; end: number; probability: number; speaker: number }[];
}

async function post(
  baseUrl: string,
  route: string,
  file: string,
  fields: Record<string, string | string[]> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), path.basename(file));
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, item);
  }
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    body: form,
    headers: { Authorization: AUTH },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function completed(baseUrl: string, taskId: unknown): Promise<ResultBody> {
  const done = await pollUntilDone(baseUrl, AUTH, taskId as string, { timeoutMs: 180_000 });
  assert.equal(done.status, 'completed', JSON.stringify(done));
  return done;
}

describe('per-channel speakers and vocabulary fields through the real server', { skip }, () => {
  let server: RunningServer;
  const work = mkdtempSync(path.join(tmpdir(), 'e2e-speechfx-'));
  const built = path.join(work, 'built.wav');
  const nine = path.join(work, 'nine.wav');
  before(async () => {
    writeChannelsWav(built, SOURCES, 20);
    writeToneChannelsWav(nine, 9);
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('POST /diarize channel_diarization=true: DER <= 2 % on a stereo file built from two recordings', async () => {
    const reference = await sourceSpeechTurns(SOURCES, models.sileroVad);
    const { status, body } = await post(server.baseUrl, '/diarize', built, { channel_diarization: 'true' });
    assert.equal(status, 200, JSON.stringify(body));
    const turns = (await completed(server.baseUrl, body.task_id)).results as Turn[];
    for (const turn of turns) assert.deepEqual(Object.keys(turn).sort(), ['end', 'speaker', 'start']);
    const der = computeDer(reference, turns);
    console.log(`/diarize per channel, built stereo: DER ${(der.der * 100).toFixed(2)} %`);
    assert.ok(der.der <= 0.02, `DER ${(der.der * 100).toFixed(2)} %`);
    assert.equal(der.confusion, 0);
  });

  test("POST /diarize on a real call: speaker 0 is the left channel's voice, 1 the right's", async () => {
    const { body } = await post(server.baseUrl, '/diarize', CALL, { channel_diarization: 'true' });
    const turns = (await completed(server.baseUrl, body.task_id)).results as Turn[];
    const channels = await decodeChannelsToPcm(CALL);
    assert.ok(turns.some((t) => t.speaker === 0) && turns.some((t) => t.speaker === 1));
    for (const turn of turns) {
      const loudness = rmsDb(channels[turn.speaker], turn.start * 16000, turn.end * 16000);
      assert.ok(
        loudness > -40,
        `speaker ${turn.speaker} ${turn.start}-${turn.end}: ${loudness.toFixed(1)} dB`,
      );
    }
    // The right party stops at about 2.5 s; the left one talks to the end.
    assert.ok(
      turns.filter((t) => t.speaker === 1).every((t) => t.end <= 2.8),
      JSON.stringify(turns),
    );
    assert.ok(
      turns.filter((t) => t.speaker === 0).some((t) => t.end > 4.5),
      JSON.stringify(turns),
    );
  });

  test('POST /transcribe with every new field runs the whole native path per channel', async () => {
    const { status, body } = await post(server.baseUrl, '/transcribe', CALL, {
      channel_diarization: 'true',
      hotwords: '["Kubernetes", "PostgreSQL"]',
      custom_spelling: '{"SQL": ["sequel"]}',
      word_timestamps: 'true',
      language: 'en',
    });
    assert.equal(status, 200, JSON.stringify(body));
    // The shared Whisper model writes no words: the entries are whatever it wrote, speakers 0 or 1.
    const results = (await completed(server.baseUrl, body.task_id)).results as Entry[];
    for (const entry of results) assert.ok(entry.speaker === 0 || entry.speaker === 1);
  });

  test('a mono file or 9 channels, and malformed hotwords or custom_spelling, are 400s on their field', async () => {
    const refused: [string, string, Record<string, string | string[]>, string][] = [
      ['/transcribe', JFK, { channel_diarization: 'true' }, 'channel_diarization'],
      ['/diarize', JFK, { channel_diarization: 'true' }, 'channel_diarization'],
      ['/diarize', nine, { channel_diarization: 'yes' }, 'channel_diarization'],
      ['/transcribe', JFK, { channel_diarization: 'maybe' }, 'channel_diarization'],
      [
        '/transcribe',
        JFK,
        { hotwords: JSON.stringify(Array.from({ length: 21 }, (_, i) => `w${i}`)) },
        'hotwords',
      ],
      ['/transcribe', JFK, { hotwords: ['Kubernetes', 'a,b'] }, 'hotwords'],
      ['/transcribe', JFK, { hotwords: '["a", 3]' }, 'hotwords'],
      ['/transcribe', JFK, { hotwords: '["a",' }, 'hotwords'],
      ['/transcribe', JFK, { hotwords: 'x'.repeat(51) }, 'hotwords'],
      ['/transcribe', JFK, { custom_spelling: '{"SQL": "sequel"}' }, 'custom_spelling'],
      ['/transcribe', JFK, { custom_spelling: '{"SQL": ["sequel"], "Sql": ["SEQUEL"]}' }, 'custom_spelling'],
      ['/transcribe', JFK, { custom_spelling: 'sequel=SQL' }, 'custom_spelling'],
      ['/transcribe', JFK, { custom_spelling: '["SQL"]' }, 'custom_spelling'],
    ];
    for (const [route, file, fields, field] of refused) {
      const { status, body } = await post(server.baseUrl, route, file, fields);
      const what = `${route} ${JSON.stringify(fields).slice(0, 80)}`;
      assert.equal(status, 400, `${what}: ${JSON.stringify(body)}`);
      const errors = (body.errors ?? {}) as Record<string, string[]>;
      assert.deepEqual(Object.keys(errors), [field], `${what}: ${JSON.stringify(body)}`);
      assert.match(errors[field][0], new RegExp(`^${field}\\b`), what);
      assert.doesNotMatch(JSON.stringify(body), /\/tmp|uploads/, 'no server path');
    }
    const mono = await post(server.baseUrl, '/diarize', JFK, { channel_diarization: 'true' });
    assert.match((mono.body.errors as Record<string, string[]>).channel_diarization[0], /mono/);
    assert.deepEqual(server.uploadsLeft(), [], 'no refused upload is left behind');
  });

  test('Swagger shows every new field with its default and an example', async () => {
    const doc = (await (await fetch(`${server.baseUrl}/docs-json`)).json()) as {
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>> }> };
    };
    const fields: [string, string][] = [
      ['TranscribeFormDto', 'channel_diarization'],
      ['TranscribeFormDto', 'hotwords'],
      ['TranscribeFormDto', 'custom_spelling'],
      ['DiarizeRequestDto', 'channel_diarization'],
    ];
    for (const [schema, field] of fields) {
      const property = doc.components.schemas[schema]?.properties[field];
      assert.ok(property, `${schema}.${field}`);
      assert.ok(
        'default' in property && 'example' in property,
        `${schema}.${field}: ${JSON.stringify(property)}`,
      );
    }
    assert.ok(doc.components.schemas.ResultEntryDto.properties.probability);
  });
});

describe('words through HTTP and Redis with a stand-in Whisper (API process + worker)', { skip }, () => {
  const prefix = `e2e-speechfx-${randomBytes(5).toString('hex')}`;
  const uploadDir = mkdtempSync(path.join(tmpdir(), 'e2e-speechfx-uploads-'));
  // Words only where the audio each channel carries is loud: the shared Whisper model writes none.
  const speech = new EnergySpeechEngine(['hullo', 'there', 'sequel'], -40);
  let api: RunningServer;
  let worker: INestApplicationContext;

  @Global()
  @Module({
    providers: [
      {
        provide: AppConfig,
        useValue: new AppConfig(
          validateEnv({
            APP_ROLE: 'worker',
            JWT_SECRET: 'x',
            REDIS_URL: TEST_REDIS_URL,
            REDIS_PREFIX: prefix,
            UPLOAD_DIR: uploadDir,
            WHISPER_MODEL_PATH: __filename,
            MODELS_DIR: '/nonexistent',
          }),
        ),
      },
    ],
    exports: [AppConfig],
  })
  class WorkerConfigModule {}

  before(async () => {
    api = await startServer({ APP_ROLE: 'api' }, { prefix, uploadDir });
    const moduleRef = await Test.createTestingModule({
      imports: [
        WorkerConfigModule,
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
    worker = await moduleRef.init();
  });
  after(async () => {
    await worker?.close();
    await api?.stop();
    const keys = await api?.redis.keys(`${prefix}:*`).catch(() => []);
    if (keys?.length) await api.redis.del(...keys).catch(() => undefined);
    rmSync(uploadDir, { recursive: true, force: true });
  });

  const fields = {
    channel_diarization: 'true',
    word_timestamps: 'true',
    custom_spelling: '{"Hello": ["hullo"], "SQL": ["sequel"]}',
    hotwords: 'Anthropic, Kubernetes',
    language: 'en',
  };

  test("a real call: entries per channel, respelled, each word's probability and the entry's mean", async () => {
    const { status, body } = await post(api.baseUrl, '/transcribe', CALL, fields);
    assert.equal(status, 200, JSON.stringify(body));
    const results = (await completed(api.baseUrl, body.task_id)).results as Entry[];
    const channels = await decodeChannelsToPcm(CALL);
    assert.ok(results.some((e) => e.speaker === 0) && results.some((e) => e.speaker === 1));
    for (const entry of results) {
      assert.deepEqual(Object.keys(entry), ['speaker', 'start', 'end', 'text', 'words', 'probability']);
      assert.equal(entry.probability, 0.75);
      for (const word of entry.words ?? []) {
        assert.ok(
          rmsDb(channels[entry.speaker], word.start * 16000, word.end * 16000) > -40,
          'loud on its channel',
        );
        assert.ok(['Hello', 'there', 'SQL'].includes(word.word), word.word);
      }
      assert.doesNotMatch(entry.text, /hullo|sequel/);
    }
    // Both channels were transcribed, each with the hotwords after the contract's prompt.
    const requests = speech.requests.slice(-2);
    assert.equal(requests.length, 2);
    for (const request of requests) {
      assert.deepEqual(request.hotwords, ['Anthropic', 'Kubernetes']);
      assert.equal(request.initialPrompt, '다음은 한국어 대화입니다.');
    }
  });

  test('the spelling holds in subtitles, and an old client sees the contract exactly', async () => {
    const { body } = await post(api.baseUrl, '/transcribe', CALL, fields);
    let srt = '';
    for (let i = 0; i < 600 && srt === ''; i++) {
      const response = await fetch(`${api.baseUrl}/result/${body.task_id as string}?format=srt`, {
        headers: { Authorization: AUTH },
      });
      const text = await response.text();
      if (!text.startsWith('{')) srt = text;
      else if ((JSON.parse(text) as ResultBody).status === 'failed') assert.fail(text);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.match(srt, /Hello/);
    assert.doesNotMatch(srt, /hullo|sequel/);

    const plain = await post(api.baseUrl, '/transcribe', fixtures.real('spk1_snt1.wav'));
    const entries = (await completed(api.baseUrl, plain.body.task_id)).results as Entry[];
    assert.ok(entries.length > 0);
    for (const entry of entries) assert.deepEqual(Object.keys(entry), ['speaker', 'start', 'end', 'text']);
    assert.equal(speech.requests[speech.requests.length - 1].hotwords, undefined, 'no hotwords unless sent');
  });

  test("OpenAI's verbose_json: avg_logprob and no_speech_prob are Whisper's own per segment", async () => {
    const { status, body } = await post(api.baseUrl, '/v1/audio/transcriptions', JFK, {
      model: 'whisper-1',
      response_format: 'verbose_json',
    });
    assert.equal(status, 200, JSON.stringify(body));
    const segments = body.segments as { avg_logprob: number; no_speech_prob: number }[];
    assert.ok(segments.length > 0);
    for (const segment of segments) {
      assert.equal(segment.avg_logprob, -0.25);
      assert.equal(segment.no_speech_prob, 0.02);
    }
  });
});
