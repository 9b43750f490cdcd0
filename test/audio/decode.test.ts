import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { AudioDecodeError, decodeToPcm, probeMedia, readWavFile, writeWavFile } from '../../libs/audio';
import { writeVideoWithoutAudio } from '../support/media';
import { fixtures, skipUnlessPresent } from '../support/shared-files';

const CONTAINERS = ['wav', 'mp3', 'flac', 'ogg', 'm4a', 'aiff', 'opus', 'webm', 'mp4', 'avi', 'mov', 'mkv'];
const work = mkdtempSync(path.join(tmpdir(), 'audio-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe(
  'decodeToPcm on the shared fixtures',
  { skip: skipUnlessPresent(fixtures.audio('conv-en-2spk.wav')) },
  () => {
    const reference = fixtures.audio('conv-en-2spk.wav');

    test('every accepted container decodes to the same 16 kHz mono length', async () => {
      const expected = readWavFile(reference);
      assert.equal(expected.sampleRate, 16000);
      for (const extension of CONTAINERS) {
        const samples = await decodeToPcm(fixtures.audio(`conv-en-2spk.${extension}`));
        // Lossy codecs pad by a few frames; the length must agree to within 0.1 s.
        assert.ok(
          Math.abs(samples.length - expected.samples.length) < 1600,
          `${extension}: ${samples.length} samples, expected about ${expected.samples.length}`,
        );
        const peak = samples.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
        assert.ok(peak > 0.05 && peak <= 1.5, `${extension}: implausible peak ${peak}`);
      }
    });

    test('WAV decoding matches the samples in the file', async () => {
      const decoded = await decodeToPcm(reference);
      const { samples } = readWavFile(reference);
      let maxError = 0;
      for (let i = 0; i < samples.length; i++)
        maxError = Math.max(maxError, Math.abs(decoded[i] - samples[i]));
      assert.ok(maxError < 1e-3, `max difference ${maxError}`);
    });

    test('probeMedia reads duration and the audio stream', async () => {
      const info = await probeMedia(fixtures.audio('conv-en-2spk.mp4'));
      assert.equal(info.hasAudio, true);
      assert.ok(info.durationSeconds !== null && info.durationSeconds > 20 && info.durationSeconds < 40);
    });

    test('refused and broken files of fixtures/bad reject with a one-line AudioDecodeError', async () => {
      for (const name of ['empty.wav', 'text-renamed.wav', 'png-renamed.mp3', 'pdf-renamed.flac']) {
        const error = await decodeToPcm(fixtures.bad(name)).then(
          () => assert.fail(`${name} decoded`),
          (e: unknown) => e,
        );
        assert.ok(error instanceof AudioDecodeError, `${name}: ${String(error)}`);
        assert.doesNotMatch(error.message, /\n/);
        assert.doesNotMatch(
          error.message,
          new RegExp(fixtures.bad(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
        );
      }
    });
  },
);

describe('decodeToPcm never reads anything but the given file', () => {
  test('an HLS playlist disguised as audio is refused without opening its entries', async () => {
    const playlist = path.join(work, 'playlist.wav');
    writeFileSync(
      playlist,
      '#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n',
    );
    await assert.rejects(decodeToPcm(playlist), AudioDecodeError);
  });

  test('an ffconcat script disguised as audio is refused', async () => {
    const script = path.join(work, 'script.mp3');
    const victim = path.join(work, 'victim.wav');
    writeWavFile(victim, new Float32Array(16000).fill(0.25));
    writeFileSync(script, `ffconcat version 1.0\nfile '${victim}'\n`);
    await assert.rejects(decodeToPcm(script), AudioDecodeError);
  });

  test('a file name that looks like another protocol is read as a plain local path', async () => {
    const odd = path.join(work, 'concat:x.wav');
    writeWavFile(odd, new Float32Array(1600).fill(0.1));
    const samples = await decodeToPcm(odd);
    assert.equal(samples.length, 1600);
  });
});

describe('decodeToPcm edge cases', () => {
  test('a video without an audio stream says so', async () => {
    const video = path.join(work, 'silent-video.mp4');
    writeVideoWithoutAudio(video);
    await assert.rejects(decodeToPcm(video), /no audio stream/);
    assert.equal((await probeMedia(video)).hasAudio, false);
  });

  test('8 kHz stereo is resampled and mixed down', async () => {
    const stereo = path.join(work, 'stereo-8k.wav');
    execFileSync('ffmpeg', [
      '-nostdin',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=8000:duration=2',
      '-ac',
      '2',
      '-y',
      stereo,
    ]);
    const samples = await decodeToPcm(stereo);
    assert.ok(Math.abs(samples.length - 32000) < 200, `${samples.length} samples`);
  });

  test('an aborted decode rejects with the abort reason', async () => {
    const controller = new AbortController();
    const wav = path.join(work, 'long.wav');
    writeWavFile(wav, new Float32Array(16000 * 60));
    const pending = decodeToPcm(wav, { signal: controller.signal });
    controller.abort(new Error('stop now'));
    await assert.rejects(pending, /stop now/);
  });

  test('a missing ffmpeg binary is reported as such', async () => {
    await assert.rejects(
      decodeToPcm(path.join(work, 'x.wav'), { ffmpegPath: '/nonexistent/ffmpeg' }),
      /was not found/,
    );
  });

  test('WAV write/read round trip keeps samples to 16-bit precision', () => {
    const file = path.join(work, 'round.wav');
    const input = Float32Array.from({ length: 800 }, (_, i) => Math.sin(i / 10) * 0.5);
    writeWavFile(file, input, 8000);
    const { samples, sampleRate } = readWavFile(file);
    assert.equal(sampleRate, 8000);
    assert.equal(samples.length, input.length);
    for (let i = 0; i < input.length; i++) assert.ok(Math.abs(samples[i] - input[i]) < 1e-4);
  });
});
