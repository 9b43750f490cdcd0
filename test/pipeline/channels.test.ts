import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeChannelsToPcm, decodeToPcm, ffmpegAudioDecoder, probeMedia } from '../../libs/audio';
import { computeDer } from '../../libs/diarization';
import {
  ChannelLayoutError,
  channelSpeakerNumbers,
  diarizeEachChannel,
  MAX_SPEAKER_CHANNELS,
  SpeechDetectionUnavailableError,
  toResultEntries,
  toTurnEntries,
  transcribeWhoSaidWhat,
} from '../../libs/pipeline';
import { detectSpeech } from '../../libs/speech';
import { EnergySpeechEngine, rmsDb } from '../support/energy-speech-engine';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import {
  type ChannelSource,
  sourceSpeechTurns,
  writeChannelsWav,
  writeToneChannelsWav,
} from '../support/stereo';

const JFK = fixtures.real('jfk.wav');
const LIBRISPEECH = fixtures.real('librispeech-1995-1837-0001.wav');
const CALL = fixtures.real('stereo_diarization.wav');
/** Two recordings, each on its own channel, overlapping from 6.5 s to about 12 s. */
const SOURCES: ChannelSource[] = [
  { file: JFK, offsetSeconds: 1.25 },
  { file: LIBRISPEECH, offsetSeconds: 6.5 },
];
const vad = {
  detectSpeech: (samples: Float32Array, request: { signal?: AbortSignal }) =>
    detectSpeech(samples, { modelPath: models.sileroVad }, request),
};
const noDiarization = { decoder: ffmpegAudioDecoder, diarization: null };

describe(
  'per-channel speakers (libs/audio + libs/pipeline)',
  { skip: skipUnlessPresent(JFK, LIBRISPEECH, CALL) },
  () => {
    const work = mkdtempSync(path.join(tmpdir(), 'channels-test-'));
    const built = path.join(work, 'built.wav');
    const reversed = path.join(work, 'right-first.wav');
    before(() => {
      writeChannelsWav(built, SOURCES, 20);
      // The right channel speaks first: it must still be speaker 1.
      writeChannelsWav(
        reversed,
        [
          { file: JFK, offsetSeconds: 4 },
          { file: LIBRISPEECH, offsetSeconds: 0.5 },
        ],
        16,
      );
    });
    after(() => rmSync(work, { recursive: true, force: true }));

    test('the channel-preserving decode gives each channel its own samples, as the mono sources hold them', async () => {
      assert.equal((await probeMedia(built)).channels, 2);
      const channels = await decodeChannelsToPcm(built);
      assert.equal(channels.length, 2);
      assert.equal(channels[0].length, 20 * 16000);
      assert.equal(channels[1].length, channels[0].length);
      for (const [channel, source] of SOURCES.entries()) {
        const mono = await decodeToPcm(source.file);
        const offset = Math.round(source.offsetSeconds * 16000);
        let maxError = 0;
        for (let i = 0; i < mono.length; i++)
          maxError = Math.max(maxError, Math.abs(channels[channel][offset + i] - mono[i]));
        assert.ok(maxError < 1e-3, `channel ${channel}: max difference ${maxError}`);
        assert.ok(
          channels[channel].subarray(0, offset).every((sample) => sample === 0),
          'silence before the offset',
        );
      }
    });

    test(
      "/diarize's per-channel turns: DER <= 2 % against each source's own speech regions shifted by its offset",
      { skip: skipUnlessPresent(models.sileroVad) },
      async () => {
        const reference = await sourceSpeechTurns(SOURCES, models.sileroVad);
        const result = await diarizeEachChannel(
          { filePath: built },
          { decoder: ffmpegAudioDecoder, speechDetector: vad },
        );
        assert.equal(result.channels, 2);
        const der = computeDer(reference, result.turns);
        console.log(
          `built stereo (jfk left at 1.25 s, librispeech right at 6.5 s): DER ${(der.der * 100).toFixed(2)} %`,
        );
        assert.ok(der.der <= 0.02, `DER ${(der.der * 100).toFixed(2)} %`);
        assert.equal(der.confusion, 0, 'no speech is given to the other channel');
        assert.ok(result.turns.some((t) => t.speaker === 0) && result.turns.some((t) => t.speaker === 1));
      },
    );

    test(
      'speakers keep their channel numbers however the talk begins',
      { skip: skipUnlessPresent(models.sileroVad) },
      async () => {
        const result = await diarizeEachChannel(
          { filePath: reversed },
          { decoder: ffmpegAudioDecoder, speechDetector: vad },
        );
        const delivered = toTurnEntries(result.exclusiveTurns, channelSpeakerNumbers(result));
        assert.equal(delivered[0].speaker, 1, 'the right channel talks first and stays speaker 1');
        assert.ok(delivered.some((turn) => turn.speaker === 0));
        // Numbered by first appearance instead, the right channel would have become speaker 0.
        assert.equal(toTurnEntries(result.exclusiveTurns)[0].speaker, 0);
      },
    );

    test("a real call: each entry's speaker is the channel where its words are loud", async () => {
      const speech = new EnergySpeechEngine(['hello'], -40);
      const transcript = await transcribeWhoSaidWhat(
        { filePath: CALL },
        { ...noDiarization, speech },
        { language: 'en', channelDiarization: true },
      );
      assert.equal(speech.requests.length, 2, 'one transcription per channel');
      assert.equal(transcript.channels, 2);
      const channels = await decodeChannelsToPcm(CALL);
      const { entries } = toResultEntries(transcript.utterances, {
        words: true,
        speakerNumbers: channelSpeakerNumbers(transcript),
      });
      assert.ok(
        entries.some((e) => e.speaker === 0) && entries.some((e) => e.speaker === 1),
        'both parties talk',
      );
      for (const entry of entries) {
        for (const word of entry.words ?? []) {
          const loudness = rmsDb(channels[entry.speaker], word.start * 16000, word.end * 16000);
          assert.ok(
            loudness > -40,
            `speaker ${entry.speaker} at ${word.start}-${word.end}: ${loudness.toFixed(1)} dB`,
          );
        }
        assert.equal(entry.probability, 0.75, "the entry's probability is its words' mean");
      }
      // The right channel is silent after about 2.5 s: nothing after it may be given to speaker 1.
      assert.ok(entries.filter((e) => e.speaker === 1).every((e) => e.end <= 2.7));
      assert.ok(entries.filter((e) => e.speaker === 0).some((e) => e.end > 4));
      for (let i = 1; i < entries.length; i++)
        assert.ok(entries[i - 1].start <= entries[i].start, 'in time order');
      assert.ok(transcript.turns?.every((turn) => turn.speaker === 0 || turn.speaker === 1));
    });

    test('a mono file, or more than 8 channels, is refused with a clear message', async () => {
      const nine = path.join(work, 'nine.wav');
      writeToneChannelsWav(nine, MAX_SPEAKER_CHANNELS + 1);
      const speech = new EnergySpeechEngine();
      for (const [file, pattern] of [
        [JFK, /2 to 8 channels; this one is mono/],
        [nine, /at most 8 channels; this recording has 9/],
      ] as const) {
        await assert.rejects(
          transcribeWhoSaidWhat(
            { filePath: file },
            { ...noDiarization, speech },
            { language: 'en', channelDiarization: true },
          ),
          (error: unknown) => error instanceof ChannelLayoutError && pattern.test(error.message),
        );
      }
      assert.equal(speech.requests.length, 0, 'nothing was transcribed');
      await assert.rejects(
        diarizeEachChannel({ filePath: built }, { decoder: ffmpegAudioDecoder, speechDetector: null }),
        SpeechDetectionUnavailableError,
      );
    });
  },
);
