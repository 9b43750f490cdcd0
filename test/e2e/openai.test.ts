import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { readWavFile } from '../../libs/audio';
import { mintToken } from '../../src/auth/mint-token';
import { readSrt, readVtt } from '../formats/subtitle-parsers';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { JWT_SECRET, type RunningServer, startServer, TEST_TOKEN } from './support/server-process';

const WAV = fixtures.audio('conv-en-2spk.wav');
const skip = skipUnlessPresent(
  models.whisperTiny,
  models.segmentation,
  WAV,
  fixtures.bad('text-renamed.wav'),
);

describe('POST /v1/audio/transcriptions through the official openai package', { skip }, () => {
  let server: RunningServer;
  let client: OpenAI;
  let durationSeconds: number;

  before(async () => {
    server = await startServer();
    client = new OpenAI({ baseURL: `${server.baseUrl}/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
    const { samples, sampleRate } = readWavFile(WAV);
    durationSeconds = samples.length / sampleRate;
  });
  after(() => server?.stop());

  test('json: text and whole-second usage, and the result is consumed (no upload or result left)', async () => {
    const answer = await client.audio.transcriptions.create({
      file: createReadStream(WAV),
      model: 'whisper-1',
    });
    assert.equal(typeof answer.text, 'string');
    const usage = (answer as unknown as { usage: { type: string; seconds: number } }).usage;
    assert.deepEqual(usage, { type: 'duration', seconds: Math.ceil(durationSeconds) });
    assert.deepEqual(server.uploadsLeft(), []);
    const results = await server.redis.keys(`${server.prefix}:result:*`);
    for (const key of results) assert.equal(await server.redis.hget(key, 'json'), null, 'delivered once');
  });

  test('verbose_json with word and segment granularities', async () => {
    const answer = await client.audio.transcriptions.create({
      file: createReadStream(WAV),
      model: 'whisper-1',
      response_format: 'verbose_json',
      timestamp_granularities: ['word', 'segment'],
      language: 'en',
    });
    assert.equal(answer.language, 'english');
    assert.ok(Math.abs(answer.duration - durationSeconds) < 0.1, `duration ${answer.duration}`);
    assert.ok(Array.isArray(answer.segments) && Array.isArray(answer.words));
    for (const word of answer.words ?? []) assert.ok(word.start <= word.end);
  });

  test('text, srt and vtt come back as strings that parse', async () => {
    const text = await client.audio.transcriptions.create({
      file: createReadStream(WAV),
      model: 'whisper-1',
      response_format: 'text',
    });
    assert.equal(typeof text, 'string');
    const srt = await client.audio.transcriptions.create({
      file: createReadStream(WAV),
      model: 'whisper-1',
      response_format: 'srt',
    });
    assert.equal(typeof srt, 'string');
    assert.ok(Array.isArray(readSrt(srt)));
    const vtt = await client.audio.transcriptions.create({
      file: createReadStream(WAV),
      model: 'whisper-1',
      response_format: 'vtt',
    });
    assert.match(vtt, /^WEBVTT/);
    assert.ok(Array.isArray(readVtt(vtt)));
  });

  test('diarized_json, with a JWT as the API key', async () => {
    const jwtClient = new OpenAI({
      baseURL: `${server.baseUrl}/v1`,
      apiKey: mintToken(JWT_SECRET, 'openai-user', '10m'),
      maxRetries: 0,
    });
    const answer = (await jwtClient.audio.transcriptions.create({
      file: await toFile(readFileSync(WAV), 'talk.wav'),
      model: 'gpt-4o-transcribe-diarize',
      response_format: 'diarized_json',
    })) as unknown as { task: string; duration: number; segments: { speaker: string }[] };
    assert.equal(answer.task, 'transcribe');
    assert.ok(Math.abs(answer.duration - durationSeconds) < 0.1);
    for (const segment of answer.segments) assert.match(segment.speaker, /^[A-Z]+$/);
  });

  test('errors surface as the SDK APIError with OpenAI bodies', async () => {
    const badKey = new OpenAI({ baseURL: `${server.baseUrl}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await assert.rejects(
      badKey.audio.transcriptions.create({ file: createReadStream(WAV), model: 'whisper-1' }),
      (error: unknown) =>
        error instanceof OpenAI.AuthenticationError &&
        error.status === 401 &&
        error.code === 'invalid_api_key',
    );
    await assert.rejects(
      client.audio.transcriptions.create({
        file: createReadStream(WAV),
        model: 'whisper-1',
        language: 'xx',
      }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError &&
        error.param === 'language' &&
        error.type === 'invalid_request_error',
    );
    await assert.rejects(
      client.audio.transcriptions.create({
        file: createReadStream(fixtures.bad('text-renamed.wav')),
        model: 'whisper-1',
      }),
      (error: unknown) => error instanceof OpenAI.APIError && error.status === 415,
    );
    assert.deepEqual(server.uploadsLeft(), [], 'refused uploads are deleted');
  });
});
