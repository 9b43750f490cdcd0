import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeToPcm } from '../../libs/audio';
import { safeInputArgs } from '../../libs/audio/ffmpeg-args';
import { fixtures, skipUnlessPresent } from '../support/shared-files';

const CONTAINERS = ['wav', 'mp3', 'flac', 'ogg', 'm4a', 'aiff', 'opus', 'webm', 'mp4', 'avi', 'mov', 'mkv'];
const work = mkdtempSync(path.join(tmpdir(), 'audio-stream-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', ...args, '-y']);
}

/** The decode as ffmpeg writes it to a file: what the old collect-then-copy code returned. */
function referenceDecode(file: string, sampleRate = 16000): Buffer {
  const raw = path.join(work, `${path.basename(file)}.${sampleRate}.f32`);
  ffmpeg(
    ...safeInputArgs(file),
    '-map',
    '0:a:0',
    '-vn',
    '-ac',
    '1',
    '-ar',
    String(sampleRate),
    '-f',
    'f32le',
    raw,
  );
  return readFileSync(raw);
}

function bytesOf(samples: Float32Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** The returned array may view a slightly larger buffer, never one much larger than itself. */
function assertNotOversized(samples: Float32Array): void {
  assert.ok(
    samples.buffer.byteLength <= samples.byteLength * (1 + 1 / 32) + 64 * 1024,
    `${samples.byteLength} bytes of samples in a ${samples.buffer.byteLength}-byte buffer`,
  );
}

describe(
  'streamed decoding matches a reference decode byte for byte',
  { skip: skipUnlessPresent(fixtures.audio('conv-en-2spk.wav')) },
  () => {
    test('every accepted container of the shared fixture', async () => {
      for (const extension of CONTAINERS) {
        const file = fixtures.audio(`conv-en-2spk.${extension}`);
        const samples = await decodeToPcm(file);
        assert.ok(bytesOf(samples).equals(referenceDecode(file)), `${extension} differs`);
        assertNotOversized(samples);
      }
    });

    test('whatever the size estimate: none, too small, too large, and another rate', async () => {
      const file = fixtures.audio('conv-en-2spk.mp3');
      const expected = referenceDecode(file);
      for (const expectedSeconds of [null, 0, 0.5, 29, 36_000, Number.NaN]) {
        const samples = await decodeToPcm(file, { expectedSeconds });
        assert.ok(bytesOf(samples).equals(expected), `expectedSeconds ${expectedSeconds}`);
        assertNotOversized(samples);
      }
      const at8k = await decodeToPcm(file, { sampleRate: 8000 });
      assert.ok(bytesOf(at8k).equals(referenceDecode(file, 8000)), '8 kHz differs');
    });
  },
);

describe('long input', () => {
  const minutes = 25;
  const wav = path.join(work, 'long-sine.wav');
  const mp3 = path.join(work, 'long-sine.mp3');
  before(() => {
    const sine = `sine=frequency=440:sample_rate=16000:duration=${minutes * 60}`;
    ffmpeg('-f', 'lavfi', '-i', sine, wav);
    ffmpeg('-f', 'lavfi', '-i', sine, '-b:a', '32k', mp3);
  });

  test(`a ${minutes}-minute WAV decodes to the exact length in a right-sized buffer`, async () => {
    const samples = await decodeToPcm(wav);
    assert.equal(samples.length, minutes * 60 * 16000);
    assertNotOversized(samples);
    assert.ok(Math.abs(samples[samples.length - 4]) <= 1 && samples.some((value) => value > 0.1));
  });

  test('without a duration the overflow is joined into an exact-size array', async () => {
    const samples = await decodeToPcm(wav, { expectedSeconds: null });
    assert.equal(samples.length, minutes * 60 * 16000);
    assert.equal(samples.buffer.byteLength, samples.byteLength);
  });

  test(`a ${minutes}-minute MP3 (estimated duration) decodes to about the right length`, async () => {
    const samples = await decodeToPcm(mp3);
    assert.ok(Math.abs(samples.length - minutes * 60 * 16000) < 3200, `${samples.length} samples`);
    assertNotOversized(samples);
  });

  test(
    'aborting mid-decode kills ffmpeg and rejects with the reason',
    { skip: existsSync('/proc/self/io') ? false : 'needs /proc/PID/io' },
    async () => {
      const controller = new AbortController();
      // With the duration given there is no probe: ffmpeg is spawned before decodeToPcm returns.
      const pending = decodeToPcm(wav, { expectedSeconds: minutes * 60, signal: controller.signal });
      const pid = findDecoder(wav);
      assert.ok(pid !== undefined, 'ffmpeg is running');
      // ffmpeg blocks once the pipe is full, so past 1 MiB written it is mid-way through 96 MB.
      while (bytesWritten(pid) < 1024 * 1024) await sleep(1);
      controller.abort(new Error('stop decoding'));
      await assert.rejects(pending, /stop decoding/);
      assert.equal(existsSync(`/proc/${pid}`), false, 'ffmpeg was reaped');
    },
  );
});

/** The pid of the ffmpeg decoding this file to raw float32, found by its command line. */
function findDecoder(file: string): number | undefined {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('f32le') && argv.includes(`file:${path.resolve(file)}`)) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

function bytesWritten(pid: number): number {
  return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
}
