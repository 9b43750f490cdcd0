import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AbortError,
  DisposedError,
  InvalidArgumentError,
  ModelLoadError,
  WHISPER_LANGUAGES,
  WhisperModel,
  loadBinding,
  setSpeechLogHandler,
  type NewSegment,
  type SpeechLogLevel,
  type Transcription,
} from '../../libs/speech';
import type { NativeModel } from '../../libs/speech/native-types';
import { models, skipUnlessPresent } from '../support/shared-files';
import { toneSamples } from './synth';

// The dummy model runs the real encoder and decoder but writes no text: these tests check the
// native path (structure, progress, abort, concurrency, errors, lifetime), not recognition.
const FAST = { language: 'en', temperatureIncrement: 0, threads: 2 } as const;
const live = (): { contexts: number; states: number; vadContexts: number } => loadBinding().liveResources();

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

function assertWellFormed(result: Transcription, durationSeconds: number): void {
  assert.equal(typeof result.language, 'string');
  assert.ok(Array.isArray(result.segments) && Array.isArray(result.speechRegions));
  for (const segment of result.segments) {
    assert.ok(segment.start >= 0 && segment.start <= segment.end && segment.end <= durationSeconds + 0.5);
    assert.equal(typeof segment.text, 'string');
    assert.ok(segment.noSpeechProb >= 0 && segment.noSpeechProb <= 1);
    for (const word of segment.words) {
      assert.ok(word.start <= word.end && word.probability >= 0 && word.probability <= 1);
    }
  }
}

describe('WhisperModel with the dummy tiny model', { skip: skipUnlessPresent(models.whisperTiny) }, () => {
  let model: WhisperModel;
  const work = mkdtempSync(path.join(tmpdir(), 'speech-test-'));

  before(async () => {
    model = await WhisperModel.load({ modelPath: models.whisperTiny });
  });
  after(async () => {
    await model?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('loads once and describes the model', () => {
    assert.equal(model.info.type, 'tiny');
    assert.equal(model.info.multilingual, true);
    assert.ok(model.info.vocabularySize > 50000);
    assert.equal(model.info.audioLayers, 4);
    assert.ok(Object.isFrozen(model.info));
  });

  test('transcribes into a well-formed result, progress rising to 100, segments reported as emitted', async () => {
    const progress: number[] = [];
    const emitted: NewSegment[] = [];
    const samples = toneSamples(3);
    const result = await model.transcribe(samples, {
      ...FAST,
      onProgress: (p) => progress.push(p),
      onSegment: (segment) => emitted.push(segment),
    });
    assertWellFormed(result, 3);
    // The dummy model emits none; a real one emits each segment of the result, in order, before the end.
    assert.deepEqual(
      emitted,
      result.segments.map(({ start, end, text }) => ({ start, end, text })),
    );
    assert.equal(result.language, 'en');
    assert.deepEqual(result.speechRegions, []);
    assert.equal(progress.at(-1), 100);
    assert.ok(
      progress.every((p, i) => i === 0 || p > progress[i - 1]),
      `not rising: ${progress.join(',')}`,
    );
    assert.equal(live().states, 0, 'the call must free its whisper_state');
  });

  test('auto-detection reports a Whisper language code', async () => {
    const result = await model.transcribe(toneSamples(2), { ...FAST, language: 'auto' });
    assert.ok(WHISPER_LANGUAGES.includes(result.language), result.language);
  });

  test('an abort settles at once, frees the state, and the model stays usable', async () => {
    const controller = new AbortController();
    const started = model.transcribe(toneSamples(90), {
      ...FAST,
      signal: controller.signal,
      onProgress: () => undefined,
    });
    await waitFor(() => live().states > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const abortedAt = performance.now();
    controller.abort(new Error('job cancelled'));
    await assert.rejects(started, (error: unknown) => {
      assert.ok(error instanceof AbortError);
      assert.equal((error as Error).name, 'AbortError');
      assert.match((error as Error).message, /job cancelled/);
      return true;
    });
    const settleMs = performance.now() - abortedAt;
    assert.ok(settleMs < 250, `settled ${settleMs.toFixed(0)} ms after the abort`);
    // whisper.cpp checks the flag between graph computations: the state goes within one encoder pass.
    const freedMs = await waitFor(() => live().states === 0, 15000);
    console.log(
      `abort: promise settled in ${settleMs.toFixed(1)} ms, native state freed ${freedMs} ms later`,
    );
    assertWellFormed(await model.transcribe(toneSamples(1), FAST), 1);
  });

  test('an already aborted signal starts nothing', async () => {
    const statesBefore = live().states;
    await assert.rejects(model.transcribe(toneSamples(1), { signal: AbortSignal.abort() }), AbortError);
    assert.equal(live().states, statesBefore);
  });

  test('two calls run at once on one model, and the event loop keeps ticking', async () => {
    let ticks = 0;
    let maxGap = 0;
    let last = performance.now();
    let peakStates = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
      peakStates = Math.max(peakStates, live().states);
    }, 10);
    const started = performance.now();
    const firstProgress: number[] = [];
    const finished: number[] = [];
    const run = (index: number): Promise<Transcription> =>
      model
        .transcribe(toneSamples(20, 16000, index + 1), {
          ...FAST,
          threads: 1,
          onProgress: () => {
            firstProgress[index] ??= performance.now();
          },
        })
        .finally(() => {
          finished[index] = performance.now();
        });
    try {
      const results = await Promise.all([run(0), run(1)]);
      results.forEach((result) => assertWellFormed(result, 20));
    } finally {
      clearInterval(timer);
    }
    const elapsed = performance.now() - started;
    assert.equal(peakStates, 2, 'each call in flight has its own whisper_state');
    // Not serialised: each call was under way before the other finished.
    assert.ok(firstProgress[1] < finished[0] && firstProgress[0] < finished[1]);
    assert.ok(ticks > elapsed / 10 / 4, `${ticks} ticks in ${elapsed.toFixed(0)} ms`);
    assert.ok(maxGap < 300, `the event loop stalled for ${maxGap.toFixed(0)} ms`);
  });

  test('bad input is refused with clear errors before native work', async () => {
    await assert.rejects(model.transcribe(new Float32Array(0)), InvalidArgumentError);
    await assert.rejects(model.transcribe(new Float64Array(16000) as never), InvalidArgumentError);
    await assert.rejects(model.transcribe([0, 0.1] as never), InvalidArgumentError);
    await assert.rejects(
      model.transcribe(toneSamples(1), { language: 'klingon' }),
      /unknown language code "klingon"/,
    );
    await assert.rejects(model.transcribe(toneSamples(1), { temperature: 3 }), InvalidArgumentError);
    await assert.rejects(
      model.transcribe(toneSamples(1), { onSegment: 'print' as never }),
      /expected a function for onSegment/,
    );
    await assert.rejects(
      model.transcribe(toneSamples(1), { vad: { modelPath: path.join(work, 'missing-vad.bin') } }),
      ModelLoadError,
    );
    assert.equal(live().states, 0);
  });

  test('the addon itself refuses wrong types with JS errors, never a crash', () => {
    const binding = loadBinding();
    assert.throws(() => binding.transcribe({} as never, new Float32Array(10), {} as never), TypeError);
    const handle = (model as unknown as { handle: NativeModel }).handle;
    const options = { language: 'en', temperature: 0, temperatureIncrement: 0, noSpeechThreshold: 0.6 };
    const native = { ...options, initialPrompt: '', threads: 1, tokenTimestamps: false };
    assert.throws(
      () => binding.transcribe(handle, new Float32Array(10), native, undefined, 42 as never),
      /onSegment must be a function/,
    );
    assert.throws(() => binding.modelInfo(null as never), TypeError);
    assert.throws(() => binding.loadModel(42 as never, {} as never), TypeError);
    assert.throws(() => binding.detectSpeech('x', new Int16Array(4) as never, { threads: 1 }), TypeError);
  });

  test('missing, corrupt, truncated and foreign model files are ModelLoadErrors', async () => {
    const random = path.join(work, 'random.bin');
    writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) % 256)));
    const truncated = path.join(work, 'truncated.bin');
    writeFileSync(truncated, readFileSync(models.whisperTiny).subarray(0, 200_000));
    const empty = path.join(work, 'empty.bin');
    closeSync(openSync(empty, 'w'));
    const cases: Array<[string, RegExp]> = [
      [path.join(work, 'nope.bin'), /does not exist/],
      [work, /is not a file/],
      [random, /bad magic/],
      [empty, /bad magic/],
      [truncated, /incomplete/],
    ];
    if (!skipUnlessPresent(models.sileroVad)) cases.push([models.sileroVad, /not a Whisper model/]);
    for (const [modelPath, message] of cases) {
      await assert.rejects(WhisperModel.load({ modelPath }), (error: unknown) => {
        assert.ok(error instanceof ModelLoadError, `${modelPath}: ${String(error)}`);
        assert.match((error as Error).message, message);
        return true;
      });
    }
    assert.equal(live().contexts, 1, 'only the shared test model is loaded');
  });

  test('whisper.cpp log lines reach a handler when one is set, at its level and above', async () => {
    const lines: Array<[SpeechLogLevel, string]> = [];
    setSpeechLogHandler((level, message) => lines.push([level, message]), 'info');
    try {
      const other = await WhisperModel.load({ modelPath: models.whisperTiny });
      await other.close();
      // Lines travel through a thread-safe function: they may arrive after the promise.
      await waitFor(() => lines.some(([, message]) => /whisper_model_load/.test(message)), 2000);
    } finally {
      setSpeechLogHandler(null);
    }
    assert.ok(
      lines.some(([, message]) => /whisper_model_load/.test(message)),
      'no model-load lines',
    );
    assert.ok(lines.every(([level]) => level !== 'debug'));
  });

  test('close waits for calls in flight, is idempotent, and refuses later calls', async () => {
    const copy = path.join(work, 'tiny-copy.bin');
    copyFileSync(models.whisperTiny, copy);
    const own = await WhisperModel.load({ modelPath: copy });
    const pending = own.transcribe(toneSamples(2), FAST);
    const closing = own.close();
    assert.equal(own.close(), closing);
    assertWellFormed(await pending, 2);
    await closing;
    assert.equal(own.closed, true);
    await assert.rejects(own.transcribe(toneSamples(1)), DisposedError);
    assert.equal(live().contexts, 1);
  });

  test('loading and closing many times does not leak', async () => {
    const load = async (): Promise<void> => {
      const loaded = await WhisperModel.load({ modelPath: models.whisperTiny });
      await loaded.close();
    };
    for (let i = 0; i < 5; i++) await load(); // warm up allocator pools
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 40; i++) await load();
    const growthMb = (process.memoryUsage().rss - before) / 2 ** 20;
    console.log(`40 load/close cycles: RSS grew by ${growthMb.toFixed(1)} MiB`);
    // Each load allocates ~80 MiB of (empty) weights; a leak would grow by gigabytes.
    assert.ok(growthMb < 100, `RSS grew by ${growthMb.toFixed(1)} MiB`);
    assert.equal(live().contexts, 1);
  });
});
