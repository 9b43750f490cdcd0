import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hotwordsProblem, MAX_HOTWORDS_PROMPT_BYTES, WhisperModel } from '../../libs/speech';
import { prepareTranscribe } from '../../libs/speech/options';
import { averageLogProbability } from '../../libs/speech/words';
import { models, skipUnlessPresent } from '../support/shared-files';
import { toneSamples } from './synth';

describe("hotwords in Whisper's prompt", () => {
  test('placed after the initial prompt and carried into every window; nothing changes without them', () => {
    const withHotwords = prepareTranscribe({
      initialPrompt: 'A meeting.',
      hotwords: ['Kubernetes', 'Anthropic'],
    });
    assert.equal(withHotwords.native.initialPrompt, 'A meeting. Kubernetes, Anthropic');
    assert.equal(withHotwords.native.carryInitialPrompt, true);
    assert.equal(prepareTranscribe({ hotwords: ['Kubernetes'] }).native.initialPrompt, 'Kubernetes');
    const without = prepareTranscribe({ initialPrompt: 'A meeting.', hotwords: [] });
    assert.equal(without.native.initialPrompt, 'A meeting.');
    assert.equal('carryInitialPrompt' in without.native, false, 'the addon gets exactly what it got before');
  });

  test("within Whisper's token budget: a byte bound no tokenization can exceed", () => {
    // Korean takes 3 bytes a character: " " + 150 + ", " + 45 bytes fit, 51 do not.
    assert.equal(hotwordsProblem(['가'.repeat(50), '나'.repeat(15)]), null);
    assert.match(
      hotwordsProblem(['가'.repeat(50), '나'.repeat(17)]) ?? '',
      new RegExp(`at most ${MAX_HOTWORDS_PROMPT_BYTES}`),
    );
    assert.match(hotwordsProblem(Array.from({ length: 21 }, (_, i) => `w${i}`)) ?? '', /at most 20/);
    assert.match(hotwordsProblem(['a,b']) ?? '', /commas/);
    assert.match(hotwordsProblem(['']) ?? '', /non-empty/);
    assert.throws(
      () => prepareTranscribe({ hotwords: ['x'.repeat(51)] }),
      /hotwords: each hotword at most 50/,
    );
  });

  test("a segment's avg_logprob is the mean of ln p over its tokens", () => {
    assert.equal(averageLogProbability([]), 0);
    const mean = averageLogProbability([{ p: 1 }, { p: Math.exp(-1) }, { p: Math.exp(-2) }]);
    assert.ok(Math.abs(mean - -1) < 1e-12);
    assert.ok(Number.isFinite(averageLogProbability([{ p: 0 }])), 'a probability rounded to 0 stays finite');
  });

  test(
    'the addon takes the carried prompt (dummy model: the native path runs, no text)',
    { skip: skipUnlessPresent(models.whisperTiny) },
    async () => {
      const model = await WhisperModel.load({ modelPath: models.whisperTiny });
      try {
        const result = await model.transcribe(toneSamples(2), {
          language: 'en',
          threads: 2,
          temperatureIncrement: 0,
          initialPrompt: 'A meeting.',
          hotwords: ['Kubernetes', 'PostgreSQL'],
        });
        assert.equal(result.language, 'en');
        for (const segment of result.segments) assert.ok(Number.isFinite(segment.avgLogprob));
      } finally {
        await model.close();
      }
    },
  );
});
