import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { INestApplicationContext } from '@nestjs/common';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { getJson, submit } from './support/http-client';
import {
  collectEvents,
  openEvents,
  type ReceivedEvent,
  serverSentEvents,
} from './support/event-stream-client';
import { forgeJwt, nowSeconds } from './support/jwt';
import { PacedSpeechEngine, startScriptedWorker } from './support/scripted-worker';
import { JWT_SECRET, type RunningServer, startServer, TEST_TOKEN } from './support/server-process';

// A real API process and a worker in this process (real queue, decoder and diarization; Whisper scripted
// from the fixture's reference turns, since the shared model transcribes nothing), on one Redis prefix.
const AUDIO = fixtures.audio('conv-en-2spk.wav');
const REFERENCE = fixtures.audio('conv-en-2spk.json');
const PACE_MS = 150;

describe(
  'GET /result/{task_id}/events',
  { skip: skipUnlessPresent(AUDIO, REFERENCE, models.segmentation) },
  () => {
    const prefix = `e2e-events-${randomBytes(5).toString('hex')}`;
    const uploadDir = mkdtempSync(path.join(tmpdir(), 'e2e-events-'));
    const speech = new PacedSpeechEngine(REFERENCE, PACE_MS);
    let api: RunningServer;
    let worker: INestApplicationContext;
    const owner = `Bearer ${TEST_TOKEN}`;

    before(async () => {
      api = await startServer({ APP_ROLE: 'api' }, { prefix, uploadDir });
      worker = await startScriptedWorker(speech, { prefix, uploadDir });
    });
    after(async () => {
      await worker?.close();
      const keys = (await api?.redis.keys(`${prefix}:*`)) ?? [];
      if (keys.length > 0) await api.redis.del(...keys);
      await api?.stop();
      rmSync(uploadDir, { recursive: true, force: true });
    });

    async function upload(): Promise<string> {
      speech.emittedAt.length = 0;
      const accepted = await submit(api.baseUrl, owner, AUDIO, { speaker_count: '2' });
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      return accepted.body.task_id as string;
    }

    const parsed = (event: ReceivedEvent): Record<string, unknown> =>
      JSON.parse(event.data) as Record<string, unknown>;

    test('progress, each Whisper segment as it is emitted, then the final result, delivered once', async (t) => {
      const taskId = await upload();
      const response = await openEvents(api.baseUrl, taskId, TEST_TOKEN);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const events = await collectEvents(response);

      const names = events.map((event) => event.event);
      assert.ok(['pending', 'progress'].includes(names[0]), names.join(','));
      assert.equal(names.at(-1), 'completed', 'the stream ends with the result');
      const progress = events.filter((event) => event.event === 'progress').map(parsed);
      assert.ok(progress.length >= 3, `progress events: ${progress.length}`);
      for (const body of progress) {
        assert.deepEqual(Object.keys(body).sort(), ['info', 'progress', 'status']);
        assert.equal(body.status, 'processing');
      }
      assert.ok(progress.some((body) => body.info === 'diarizing'));

      const reference = JSON.parse(readFileSync(REFERENCE, 'utf8')) as {
        turns: { start: number; end: number; text: string }[];
      };
      const segments = events.filter((event) => event.event === 'segment');
      assert.deepEqual(
        segments.map(parsed),
        reference.turns.map((turn, index) => ({ index, start: turn.start, end: turn.end, text: turn.text })),
      );
      // Segments come while the task runs (before diarization starts), not with the result.
      const firstDiarizing = events.findIndex(
        (event) => event.event === 'progress' && parsed(event).info === 'diarizing',
      );
      assert.ok(events.indexOf(segments.at(-1) as ReceivedEvent) < firstDiarizing);

      // Emission (the worker's onSegment, this process) to arrival (this client): the same clock.
      const latencies = segments
        .map((event, index) => event.at - speech.emittedAt[index])
        .sort((a, b) => a - b);
      t.diagnostic(
        `segment emission -> event latency over ${latencies.length} segments: median ${latencies[latencies.length >> 1]} ms, max ${latencies.at(-1)} ms`,
      );
      assert.ok((latencies.at(-1) ?? Infinity) < 2000, `latencies ${latencies.join(', ')} ms`);

      const completed = parsed(events.at(-1) as ReceivedEvent);
      assert.equal(completed.status, 'completed');
      const results = completed.results as { speaker: number; text: string }[];
      assert.ok(results.length > 0);
      assert.deepEqual(Object.keys(completed).sort(), ['results', 'status'], 'exactly the GET /result body');

      // The final event was delivery: the result is gone, as after a GET that returned it.
      const again = await getJson(`${api.baseUrl}/result/${taskId}`, { Authorization: owner });
      assert.deepEqual(again.body, { status: 'pending' });
      assert.deepEqual(
        await api.redis.keys(`${prefix}:segments:${taskId}`),
        [],
        'the streamed text is deleted too',
      );
    });

    test('a stream dropped mid-task loses nothing: the next one replays the text so far and gets the result', async () => {
      const taskId = await upload();
      const first = new AbortController();
      const seen: ReceivedEvent[] = [];
      await assert.rejects(async () => {
        for await (const event of serverSentEvents(
          await openEvents(api.baseUrl, taskId, TEST_TOKEN, first.signal),
        )) {
          seen.push(event);
          if (event.event === 'segment' && parsed(event).index === 1) first.abort();
        }
      }, /abort/i);
      assert.equal(seen.filter((event) => event.event === 'segment').length, 2);

      const events = await collectEvents(await openEvents(api.baseUrl, taskId, TEST_TOKEN));
      const indexes = events.filter((event) => event.event === 'segment').map((event) => parsed(event).index);
      assert.deepEqual(indexes, [...indexes.keys()], 'every segment from 0, once, in order');
      assert.ok(indexes.length >= 7, `segments after reconnecting: ${indexes.length}`);
      assert.equal(events.at(-1)?.event, 'completed');
    });

    test("another user's stream sees only pending (no text, no result) and leaves the result to its owner", async () => {
      const taskId = await upload();
      const stranger = forgeJwt(
        { alg: 'HS256', typ: 'JWT' },
        { sub: 'mallory', exp: nowSeconds() + 600 },
        JWT_SECRET,
      );
      const watching = new AbortController();
      const strangerEvents: ReceivedEvent[] = [];
      const strangerDone = (async () => {
        try {
          for await (const event of serverSentEvents(
            await openEvents(api.baseUrl, taskId, stranger, watching.signal),
          )) {
            strangerEvents.push(event);
          }
        } catch {
          // aborted below
        }
      })();
      const ownerEvents = await collectEvents(await openEvents(api.baseUrl, taskId, TEST_TOKEN));
      assert.equal(ownerEvents.at(-1)?.event, 'completed');
      await new Promise((resolve) => setTimeout(resolve, 300));
      watching.abort();
      await strangerDone;
      assert.deepEqual(
        strangerEvents.map((event) => event.event),
        ['pending'],
      );
    });

    test('an idle stream gets a keep-alive comment every 15 s, which proxies see as traffic', async () => {
      const started = Date.now();
      const response = await openEvents(api.baseUrl, randomUUID(), TEST_TOKEN, AbortSignal.timeout(25_000));
      const decoder = new TextDecoder();
      let text = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        if (text.includes(': keep-alive\n\n')) break;
      }
      assert.match(text, /^retry: 2000\n\nevent: pending\ndata: \{"status":"pending"\}\n\n: keep-alive\n\n/);
      assert.ok(Date.now() - started < 17_000, 'within one heartbeat interval');
    });

    test('401 without a valid token, as GET /result', async () => {
      const response = await fetch(`${api.baseUrl}/result/${randomBytes(4).toString('hex')}/events`);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('content-type') ?? '', /json/);
    });

    test('Swagger documents the stream', async () => {
      const doc = (await (await fetch(`${api.baseUrl}/docs-json`)).json()) as {
        paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
      };
      const operation = doc.paths['/result/{task_id}/events']?.get;
      assert.ok(operation, 'documented');
      assert.ok(operation.responses['200'].content?.['text/event-stream']);
    });
  },
);
