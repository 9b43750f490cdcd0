import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, WHISPER_LANGUAGES } from '../../libs/speech';
import { checkSamples, prepareLoad, prepareTranscribe } from '../../libs/speech/options';

// The codes the HTTP contract lists (DESIGN.md section 3) must all be accepted.
const CONTRACT_CODES =
  'af ar hy az be bs bg ca zh hr cs da nl en et fi fr gl de el he hi hu is id it ja kn kk ko lv lt mk ms ml mt mr ne no fa pl pt ro ru sr sk sl es sw sv tl ta th tr uk ur vi cy'.split(
    ' ',
  );

describe('option validation (before any native work)', () => {
  test('every Whisper code of the contract is known, and there are no duplicates', () => {
    for (const code of CONTRACT_CODES) assert.ok(WHISPER_LANGUAGES.includes(code), code);
    assert.equal(new Set(WHISPER_LANGUAGES).size, WHISPER_LANGUAGES.length);
  });

  test('null, empty and "auto" detect the language; codes are normalised', () => {
    for (const language of [undefined, null, '', 'auto']) {
      const prepared = prepareTranscribe({ language });
      assert.equal(prepared.native.language, 'auto');
      assert.equal(prepared.requestedLanguage, null);
    }
    assert.equal(prepareTranscribe({ language: 'KO' }).native.language, 'ko');
  });

  test('unknown languages and out-of-range numbers are InvalidArgumentErrors', () => {
    const bad: unknown[] = [
      { language: 'xx' },
      { language: 42 },
      { temperature: 1.5 },
      { temperature: Number.NaN },
      { temperatureIncrement: -0.1 },
      { noSpeechThreshold: '0.6' },
      { threads: 0 },
      { threads: 1.5 },
      { wordTimestamps: 'yes' },
      { initialPrompt: 7 },
      { onProgress: 'not a function' },
      { signal: {} },
      { vad: { threshold: 0.5 } },
      { vad: { modelPath: 'x', threshold: 2 } },
      'not an object',
    ];
    for (const options of bad) {
      assert.throws(() => prepareTranscribe(options as never), InvalidArgumentError, JSON.stringify(options));
    }
  });

  test('defaults follow Whisper: temperature 0 with 0.2 fallback steps, no-speech 0.6, words on', () => {
    const { native, vad, wordTimestamps } = prepareTranscribe(undefined);
    assert.equal(native.temperature, 0);
    assert.equal(native.temperatureIncrement, 0.2);
    assert.equal(native.noSpeechThreshold, 0.6);
    assert.ok(native.threads >= 1 && native.threads <= 4);
    assert.equal(vad, null);
    assert.equal(wordTimestamps, true);
  });

  test('samples must be a non-empty Float32Array', () => {
    for (const samples of [new Float32Array(0), new Float64Array(10), [0.1, 0.2], null, 'pcm']) {
      assert.throws(() => checkSamples(samples), InvalidArgumentError);
    }
    assert.equal(checkSamples(new Float32Array(3)).length, 3);
  });

  test('load options: a path is required, GPU settings are typed', () => {
    assert.throws(() => prepareLoad({ modelPath: '' }), InvalidArgumentError);
    assert.throws(() => prepareLoad({ modelPath: 'm.bin', gpuDevice: -1 }), InvalidArgumentError);
    assert.throws(() => prepareLoad({ modelPath: 'm.bin', useGpu: 'no' as never }), InvalidArgumentError);
    assert.deepEqual(prepareLoad({ modelPath: 'm.bin' }), {
      modelPath: 'm.bin',
      useGpu: true,
      gpuDevice: 0,
      flashAttention: true,
    });
  });
});
