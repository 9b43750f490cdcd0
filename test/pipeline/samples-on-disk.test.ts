import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ffmpegAudioDecoder, releasableSamples } from '../../libs/audio';
import { Diarizer } from '../../libs/diarization';
import {
  type AudioDecoder,
  type DiarizationEngine,
  type SpeechEngine,
  transcribeWhoSaidWhat,
} from '../../libs/pipeline';
import { SamplesOnDisk } from '../../libs/pipeline/samples-on-disk';
import { WhisperModel } from '../../libs/speech';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';

const WAV = fixtures.audio('conv-en-2spk.wav');

function releasableRamp(length: number): Float32Array {
  const samples = releasableSamples(length);
  for (let i = 0; i < length; i++) samples[i] = Math.sin(i / 7) * 0.3;
  return samples;
}

describe('samples parked on disk', () => {
  let folder: string;
  before(() => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'parked-'));
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  test('are freed while parked, come back exact, and leave no file at any point', async () => {
    const samples = releasableRamp(100_003);
    const expected = Float32Array.from(samples);
    const parked = await SamplesOnDisk.park(samples, folder);
    assert.ok(parked);
    assert.equal(samples.buffer.byteLength, 0, 'their memory was given back');
    assert.deepEqual(readdirSync(folder), [], 'the file has no name while it is open');
    const restored = await parked.restore();
    assert.deepEqual(restored, expected);
    await parked.close();
    assert.deepEqual(readdirSync(folder), []);
  });

  test('stay in memory where they cannot be freed or written', async () => {
    const plain = new Float32Array(16).fill(0.25);
    assert.equal(await SamplesOnDisk.park(plain, folder), null);
    assert.equal(plain.length, 16);
    const releasable = releasableRamp(16);
    assert.equal(await SamplesOnDisk.park(releasable, path.join(folder, 'no-such-folder')), null);
    assert.equal(releasable.length, 16, 'a failed write frees nothing');
  });
});

describe(
  'one after the other, the decoded audio is not in memory while Whisper runs (real addon)',
  { skip: skipUnlessPresent(WAV, models.whisperTiny, models.sileroVad, models.segmentation) },
  () => {
    let model: WhisperModel;
    let diarizer: Diarizer;
    let folder: string;
    before(async () => {
      model = await WhisperModel.load({ modelPath: models.whisperTiny });
      diarizer = await Diarizer.create({ segmentationModelPath: models.segmentation, threads: 1 });
      folder = mkdtempSync(path.join(os.tmpdir(), 'parked-'));
    });
    after(async () => {
      await diarizer?.close();
      await model?.close();
      rmSync(folder, { recursive: true, force: true });
    });

    test('its memory is freed before Whisper starts, and diarization reads it back unchanged', async () => {
      const seen: { decoded?: Float32Array; lengthWhileWhisperRuns?: number; diarized?: Float32Array } = {};
      const decoder: AudioDecoder = {
        decode: async (filePath, request) => {
          const decoded = await ffmpegAudioDecoder.decode(filePath, request);
          seen.decoded = decoded.samples;
          return decoded;
        },
      };
      const speech: SpeechEngine = {
        transcribe: (samples, request) =>
          model.transcribe(samples, {
            ...request,
            threads: 1,
            vad: { modelPath: models.sileroVad },
            onSamplesConsumed: async () => {
              await request.onSamplesConsumed?.();
              seen.lengthWhileWhisperRuns = seen.decoded?.length;
            },
          }),
      };
      const diarization: DiarizationEngine = {
        diarize: (samples, request) => {
          seen.diarized = samples;
          return diarizer.diarize(samples, request);
        },
      };
      const options = { language: 'en', speakers: { numSpeakers: 2 } };
      const parked = await transcribeWhoSaidWhat(
        { filePath: WAV },
        { decoder, speech, diarization },
        { ...options, parkSamplesIn: folder },
      );
      assert.equal(seen.lengthWhileWhisperRuns, 0, 'the decoded audio was freed before Whisper ran');
      assert.deepEqual(readdirSync(folder), [], 'no file is left behind');
      const reference = (await ffmpegAudioDecoder.decode(WAV, { sampleRate: 16000 })).samples;
      assert.notEqual(seen.diarized, seen.decoded);
      assert.deepEqual(seen.diarized, reference, 'diarization read the audio back exactly');

      const inMemory = await transcribeWhoSaidWhat(
        { filePath: WAV },
        { decoder: ffmpegAudioDecoder, speech, diarization },
        options,
      );
      assert.ok(inMemory.turns?.length);
      assert.deepEqual(parked, inMemory, 'the same transcript as with the audio kept in memory');
    });

    test('a job aborted while its audio is parked leaves no file either', async () => {
      const controller = new AbortController();
      const speech: SpeechEngine = {
        transcribe: (samples, request) =>
          model.transcribe(samples, {
            ...request,
            threads: 1,
            vad: { modelPath: models.sileroVad },
            onSamplesConsumed: async () => {
              await request.onSamplesConsumed?.();
              controller.abort(new Error('cancelled'));
            },
          }),
      };
      await assert.rejects(
        transcribeWhoSaidWhat(
          { filePath: WAV },
          { decoder: ffmpegAudioDecoder, speech, diarization: diarizer },
          { language: 'en', parkSamplesIn: folder },
          { signal: controller.signal },
        ),
      );
      assert.deepEqual(readdirSync(folder), []);
    });
  },
);
