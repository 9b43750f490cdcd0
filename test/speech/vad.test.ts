import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { readWavFile } from '../../libs/audio';
import { parseRttm } from '../../libs/formats/rttm';
import {
  AbortError,
  WhisperModel,
  detectSpeech,
  loadBinding,
  setSpeechLogHandler,
  type SpeechRegion,
} from '../../libs/speech';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';

const CONVERSATIONS = ['conv-en-2spk', 'conv-ko-2spk', 'conv-en-3spk-overlap'];

function merged(turns: Array<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const sorted = [...turns].sort((a, b) => a.start - b.start);
  const out: Array<{ start: number; end: number }> = [];
  for (const turn of sorted) {
    const last = out.at(-1);
    if (last && turn.start <= last.end) last.end = Math.max(last.end, turn.end);
    else out.push({ ...turn });
  }
  return out;
}

/** The silences between reference turns (and before the first, after the last) longer than `min`. */
function gaps(turns: Array<{ start: number; end: number }>, duration: number, min: number): SpeechRegion[] {
  const speech = merged(turns);
  const edges = [0, ...speech.flatMap((t) => [t.start, t.end]), duration];
  const out: SpeechRegion[] = [];
  for (let i = 0; i < edges.length; i += 2) {
    if (edges[i + 1] - edges[i] > min) out.push({ start: edges[i], end: edges[i + 1] });
  }
  return out;
}

const overlaps = (a: SpeechRegion, b: SpeechRegion): boolean => a.start < b.end && b.start < a.end;

describe(
  'Silero VAD (real model) on the shared recordings',
  { skip: skipUnlessPresent(models.sileroVad) },
  () => {
    const vad = { modelPath: models.sileroVad };

    for (const name of CONVERSATIONS) {
      test(
        `${name}: every reference turn overlaps a region; no region inside a gap over 1 s`,
        { skip: skipUnlessPresent(fixtures.audio(`${name}.wav`), fixtures.audio(`${name}.rttm`)) },
        async () => {
          const { samples } = readWavFile(fixtures.audio(`${name}.wav`));
          const duration = samples.length / 16000;
          const turns = parseRttm(readFileSync(fixtures.audio(`${name}.rttm`), 'utf8'));
          const regions = await detectSpeech(samples, vad);
          assert.ok(regions.length > 0);
          for (const turn of turns) {
            assert.ok(
              regions.some((r) => overlaps(r, turn)),
              `turn ${turn.start}-${turn.end} has no region`,
            );
          }
          for (const gap of gaps(turns, duration, 1)) {
            const inside = regions.find((r) => r.start >= gap.start && r.end <= gap.end);
            assert.equal(inside, undefined, `region inside the silence ${gap.start}-${gap.end}`);
          }
          regions.forEach((r, i) => assert.ok(r.start < r.end && (i === 0 || regions[i - 1].end <= r.start)));
        },
      );
    }

    test(
      'jfk.wav: the speech is found, the silent tail is not',
      { skip: skipUnlessPresent(fixtures.real('jfk.wav')) },
      async () => {
        const { samples } = readWavFile(fixtures.real('jfk.wav'));
        const duration = samples.length / 16000;
        const progress: number[] = [];
        const regions = await detectSpeech(samples, vad, { onProgress: (p) => progress.push(p) });
        const speech = regions.reduce((sum, r) => sum + r.end - r.start, 0);
        assert.ok(regions[0].start < 1, `first region starts at ${regions[0].start}`);
        assert.ok(
          speech > 0.5 * duration && speech < 0.95 * duration,
          `${speech.toFixed(2)} s of speech in ${duration} s`,
        );
        assert.equal(progress.at(-1), 100);
      },
    );

    test('detection can be aborted', async () => {
      const samples = new Float32Array(16000 * 600).fill(0.01);
      const controller = new AbortController();
      const pending = detectSpeech(samples, vad, { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await assert.rejects(pending, AbortError);
      const started = Date.now();
      while (loadBinding().liveResources().vadContexts > 0 && Date.now() - started < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(loadBinding().liveResources().vadContexts, 0);
    });

    test('the model is loaded once: later calls reuse its context, each starting from a clean state', async () => {
      const binding = loadBinding();
      // A thread count no other test uses: a context of its own, loaded here.
      const probabilities = async (samples: Float32Array): Promise<number[]> =>
        Array.from(
          (await binding.detectSpeech(vad.modelPath, samples, { threads: 3 }).promise).probabilities,
        );
      const loads: string[] = [];
      setSpeechLogHandler((_level, message) => {
        if (message.includes('loading VAD model')) loads.push(message);
      }, 'info');
      try {
        const speech = readWavFile(fixtures.audio('conv-en-2spk.wav')).samples.subarray(0, 16000 * 20);
        const noise = new Float32Array(16000 * 5).map((_, i) => Math.sin(i / 3) * 0.3);
        const first = await probabilities(speech);
        // Another audio in between: a context whose state carried over would score differently.
        await probabilities(noise);
        assert.deepEqual(await probabilities(speech), first);
        // Log lines reach the JS thread through a queue: give the last ones time to arrive.
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(loads.length, 1, loads.join('\n'));
        assert.equal(binding.liveResources().vadContexts, 0, 'a pooled context is not in use');
      } finally {
        setSpeechLogHandler(null);
      }
    });

    describe(
      'transcription with VAD',
      { skip: skipUnlessPresent(models.whisperTiny, fixtures.real('jfk.wav')) },
      () => {
        let model: WhisperModel;
        before(async () => {
          model = await WhisperModel.load({ modelPath: models.whisperTiny });
        });
        after(() => model?.close());

        test('reports the regions VAD found, in seconds of the original audio', async () => {
          const { samples } = readWavFile(fixtures.real('jfk.wav'));
          // Silence in front moves the speech: regions must still be in original time.
          const padded = new Float32Array(samples.length + 5 * 16000);
          padded.set(samples, 5 * 16000);
          const expected = (await detectSpeech(samples, vad)).map((r) => ({
            start: r.start + 5,
            end: r.end + 5,
          }));
          const progress: number[] = [];
          const result = await model.transcribe(padded, {
            language: 'en',
            threads: 2,
            temperatureIncrement: 0,
            vad,
            onProgress: (p) => progress.push(p),
          });
          assert.equal(result.speechRegions.length, expected.length);
          result.speechRegions.forEach((region, i) => {
            assert.ok(
              Math.abs(region.start - expected[i].start) < 0.1 &&
                Math.abs(region.end - expected[i].end) < 0.1,
            );
          });
          for (const segment of result.segments) {
            assert.ok(
              segment.start >= result.speechRegions[0].start - 0.05 && segment.end <= padded.length / 16000,
            );
          }
          assert.equal(progress.at(-1), 100);
        });

        test('all silence: no regions, no segments, no transcription run', async () => {
          const before = loadBinding().liveResources().states;
          const result = await model.transcribe(new Float32Array(16000 * 5), { language: 'en', vad });
          assert.deepEqual(result, { language: 'en', segments: [], speechRegions: [] });
          assert.equal(loadBinding().liveResources().states, before);
        });
      },
    );
  },
);
