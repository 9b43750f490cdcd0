import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { decodeAudio, probeMedia, readWavFile } from '../../libs/audio';
import { shortfallWarning } from '../../libs/audio/shortfall';
import { writeTruncatedFlac } from '../support/media';
import { fixtures, skipUnlessPresent } from '../support/shared-files';

const CONTAINERS = ['wav', 'mp3', 'flac', 'ogg', 'm4a', 'aiff', 'opus', 'webm', 'mp4', 'avi', 'mov', 'mkv'];
const SOURCE = fixtures.audio('conv-en-2spk.wav');
const work = mkdtempSync(path.join(tmpdir(), 'partial-decode-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The two figures of a shortfall warning, in seconds. */
function figures(warning: string): { decoded: number; declared: number } {
  const match = /^decoded (\d+\.\d) s of the (\d+\.\d) s the file declares: /.exec(warning);
  assert.ok(match, `unexpected warning: ${warning}`);
  return { decoded: Number(match[1]), declared: Number(match[2]) };
}

describe(
  'a decode that stops short of the declared length says so',
  { skip: skipUnlessPresent(SOURCE) },
  () => {
    test('a FLAC cut at 60 % of its bytes: the samples that decode, and one warning with both lengths', async () => {
      const cut = path.join(work, 'cut.flac');
      writeTruncatedFlac(SOURCE, cut, 0.6);
      const sourceSeconds = readWavFile(SOURCE).samples.length / 16000;
      assert.ok(
        Math.abs(((await probeMedia(cut)).durationSeconds ?? 0) - sourceSeconds) < 0.01,
        'header kept',
      );

      const decoded = await decodeAudio(cut);
      const decodedSeconds = decoded.samples.length / 16000;
      assert.ok(decodedSeconds > 5 && decodedSeconds < sourceSeconds - 5, `decoded ${decodedSeconds} s`);
      assert.equal(decoded.warnings.length, 1);
      const [warning] = decoded.warnings;
      const { decoded: said, declared } = figures(warning);
      assert.equal(said, Number(decodedSeconds.toFixed(1)));
      assert.equal(declared, Number(sourceSeconds.toFixed(1)));
      assert.match(warning, /\(ffmpeg: invalid residual\)$/, 'the cause as ffmpeg names it');
      assert.ok(!warning.includes(work) && !warning.includes('/'), `no path in: ${warning}`);
      assert.ok(!warning.includes('\n'));
    });

    test('every whole container of the shared fixture decodes without a warning', async () => {
      for (const extension of CONTAINERS) {
        const { warnings, declaredSeconds } = await decodeAudio(fixtures.audio(`conv-en-2spk.${extension}`));
        assert.deepEqual(warnings, [], extension);
        assert.ok(declaredSeconds !== null && Math.abs(declaredSeconds - 29.4) < 0.3, `${extension}`);
      }
    });

    test('without a declared length there is nothing to compare: no warning', async () => {
      const cut = path.join(work, 'cut-unprobed.flac');
      writeTruncatedFlac(SOURCE, cut, 0.6);
      const decoded = await decodeAudio(cut, { expectedSeconds: null });
      assert.equal(decoded.declaredSeconds, null);
      assert.deepEqual(decoded.warnings, []);
    });
  },
);

describe('shortfallWarning', () => {
  const at = (decodedSeconds: number, declaredSeconds: number | null, ffmpegStderr = ''): string | null =>
    shortfallWarning({ decodedSeconds, declaredSeconds, ffmpegStderr, filePath: '/srv/uploads/abc' });

  test('codec padding and rounding are no shortfall: within 0.5 s, or 1 % of long files', () => {
    assert.equal(at(29.3, 29.4), null);
    assert.equal(at(28.95, 29.4), null);
    assert.equal(at(3570, 3600), null);
    assert.equal(at(30, 29.4), null, 'longer than declared is not a loss');
    assert.equal(at(0.05, null), null);
  });

  test("past the tolerance: both lengths, and ffmpeg's first complaint without the path", () => {
    assert.equal(
      at(28.8, 29.4),
      'decoded 28.8 s of the 29.4 s the file declares: the rest is missing or damaged',
    );
    assert.equal(at(3500, 3600)?.startsWith('decoded 3500.0 s of the 3600.0 s'), true);
    const stderr =
      '[flac @ 0x55d9a501a80] invalid residual\n[flac @ 0x55d9a501a80] decode_frame() failed\n' +
      'Error while decoding stream #0:0: Invalid data found when processing input\n';
    assert.equal(
      at(17.6, 29.4, stderr),
      'decoded 17.6 s of the 29.4 s the file declares: the rest is missing or damaged (ffmpeg: invalid residual)',
    );
    const named = at(1, 10, 'file:/srv/uploads/abc: premature end of stream\n');
    assert.equal(
      named,
      'decoded 1.0 s of the 10.0 s the file declares: the rest is missing or damaged (ffmpeg: input: premature end of stream)',
    );
  });
});
