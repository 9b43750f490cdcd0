import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readWavFile, releasableSamples, releaseSamples } from '../../libs/audio';
import { loadBinding, WhisperModel } from '../../libs/speech';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';

const WAV = fixtures.audio('conv-en-2spk.wav');

describe('releasable samples', () => {
  test('start zeroed, hold what is written, and are empty once released', () => {
    const samples = releasableSamples(48_000);
    assert.equal(samples.length, 48_000);
    assert.ok(samples.every((value) => value === 0));
    samples[47_999] = 0.5;
    assert.equal(samples[47_999], 0.5);
    const view = samples.subarray(0, 16_000);
    releaseSamples(samples);
    assert.equal(samples.length, 0);
    assert.equal(samples.buffer.byteLength, 0, 'the memory itself is given back, not only the view');
    assert.equal(view.length, 0, 'views of them cannot read freed memory');
  });

  test('leave samples of any other kind alone', () => {
    const plain = new Float32Array(16);
    releaseSamples(plain);
    assert.equal(plain.length, 16);
  });
});

describe(
  "Whisper's input does not outlive the call that copies it (real addon)",
  { skip: skipUnlessPresent(WAV, models.whisperTiny, models.sileroVad) },
  () => {
    let model: WhisperModel;
    before(async () => {
      model = await WhisperModel.load({ modelPath: models.whisperTiny });
    });
    after(async () => {
      await model?.close();
    });

    test('the speech compacted for Whisper is released as soon as the addon has it', async () => {
      const binding = loadBinding();
      const transcribe = binding.transcribe;
      const handed: { samples: Float32Array; lengthWhenCalled: number }[] = [];
      binding.transcribe = (...args: Parameters<typeof transcribe>) => {
        handed.push({ samples: args[1], lengthWhenCalled: args[1].length });
        return transcribe(...args);
      };
      const { samples } = readWavFile(WAV);
      const original = samples.slice();
      try {
        const result = await model.transcribe(samples, { threads: 1, vad: { modelPath: models.sileroVad } });
        assert.ok(result.speechRegions.length > 0, 'VAD found speech, so Whisper got compacted audio');
      } finally {
        binding.transcribe = transcribe;
      }
      assert.equal(handed.length, 1);
      const [{ samples: compacted, lengthWhenCalled }] = handed;
      assert.notEqual(compacted, samples, 'Whisper got the compacted speech, not the whole file');
      assert.ok(lengthWhenCalled > 0 && lengthWhenCalled <= samples.length);
      assert.equal(compacted.buffer.byteLength, 0, "the compacted speech's memory was released");
      assert.deepEqual(samples, original, "the caller's audio is neither released nor changed");
    });
  },
);
