import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isReleasable, releasableSamples, releaseSamples } from '../../libs/audio';
import { Float32Collector } from '../../libs/audio/float32-collector';
import { runProcess, streamProcess } from '../../libs/audio/run-process';

/** Little-endian bytes of the samples, as ffmpeg's f32le writes them. */
function bytesOf(samples: Float32Array): Uint8Array {
  return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** Splits bytes into chunks whose sizes cycle through `sizes` (none of them a multiple of 4). */
function* chunked(bytes: Uint8Array, sizes: number[]): Generator<Uint8Array> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

const input = Float32Array.from({ length: 100_003 }, (_, i) => Math.sin(i / 7) * (i % 13) - 1e-7 * i);

describe('Float32Collector', () => {
  test('returns releasable samples when asked, whether they fit, are trimmed or overflowed', () => {
    for (const [capacity, block] of [
      [input.length, 4096],
      [input.length * 4, 4096],
      [10, 1001],
    ]) {
      const collector = new Float32Collector(capacity, block, releasableSamples);
      for (const chunk of chunked(bytesOf(input), [4097, 3])) collector.append(chunk);
      const output = collector.finish();
      assert.deepEqual(output, input, `capacity ${capacity}`);
      assert.equal(isReleasable(output), true, `capacity ${capacity}`);
      releaseSamples(output);
      assert.equal(output.buffer.byteLength, 0);
    }
  });

  test('chunks ending mid-sample reassemble to the exact samples, across overflow blocks', () => {
    // Blocks of an odd size too, so samples straddle block boundaries as well as chunk ones.
    const collector = new Float32Collector(0, 1001);
    for (const chunk of chunked(bytesOf(input), [1, 3, 5, 7, 4097, 65_535, 2])) collector.append(chunk);
    assert.ok(collector.overflowed);
    const output = collector.finish();
    assert.equal(output.buffer.byteLength, input.byteLength, 'joined into an exact-size array');
    assert.deepEqual(output, input);
  });

  test('an overflow ending mid-sample drops only the incomplete sample', () => {
    const collector = new Float32Collector(0, 4096);
    const bytes = bytesOf(input);
    collector.append(bytes.subarray(0, 70_001));
    assert.deepEqual(collector.finish(), input.subarray(0, 17_500));
  });

  test('trailing bytes of an incomplete sample are dropped', () => {
    const collector = new Float32Collector(10);
    const bytes = bytesOf(input.subarray(0, 10));
    collector.append(bytes.subarray(0, 38));
    assert.deepEqual(collector.finish(), input.subarray(0, 9));
  });

  test('a right capacity is returned as a view, without a copy', () => {
    const collector = new Float32Collector(input.length);
    for (const chunk of chunked(bytesOf(input), [65_537])) collector.append(chunk);
    const output = collector.finish();
    assert.equal(collector.overflowed, false);
    assert.equal(output.buffer.byteLength, input.byteLength);
    assert.deepEqual(output, input);
  });

  test('a much too large capacity is trimmed to the length', () => {
    const collector = new Float32Collector(input.length * 4);
    collector.append(bytesOf(input));
    const output = collector.finish();
    assert.equal(output.buffer.byteLength, input.byteLength);
    assert.deepEqual(output, input);
  });

  test('a capacity that cannot be allocated starts small and overflows', () => {
    const collector = new Float32Collector(2 ** 40);
    collector.append(bytesOf(input));
    assert.ok(collector.overflowed);
    assert.deepEqual(collector.finish(), input);
  });

  test('slightly too large stays a view; empty input gives an empty array', () => {
    const collector = new Float32Collector(input.length + 100);
    collector.append(bytesOf(input));
    assert.equal(collector.finish().buffer.byteLength, (input.length + 100) * 4);
    assert.equal(new Float32Collector().finish().length, 0);
  });
});

/** An ffmpeg command writing about a minute of raw float32 to stdout. */
const FFMPEG_SINE = [
  '-nostdin',
  '-loglevel',
  'error',
  '-f',
  'lavfi',
  '-i',
  'sine=duration=60',
  '-f',
  'f32le',
  'pipe:1',
];

describe('streamProcess', () => {
  test('aborting after the first chunk kills the child and rejects with the reason', async () => {
    const controller = new AbortController();
    let received = 0;
    const pending = streamProcess('ffmpeg', FFMPEG_SINE, {
      signal: controller.signal,
      onStdout: (chunk) => {
        received += chunk.length;
        controller.abort(new Error('enough'));
      },
    });
    await assert.rejects(pending, /enough/);
    assert.ok(received > 0 && received < 60 * 44100 * 4, `${received} bytes received`);
  });

  test('a consumer that throws stops the child and the error is the rejection', async () => {
    let calls = 0;
    const pending = streamProcess('ffmpeg', FFMPEG_SINE, {
      onStdout: () => {
        calls++;
        throw new RangeError('out of room');
      },
    });
    await assert.rejects(pending, /out of room/);
    assert.equal(calls, 1);
  });

  test('runProcess still collects the whole stdout and a bounded stderr', async () => {
    const output = await runProcess(
      'ffmpeg',
      FFMPEG_SINE.map((arg) => (arg === 'sine=duration=60' ? 'sine=duration=1' : arg)),
    );
    assert.equal(output.code, 0);
    assert.equal(output.stdout.length, 44100 * 4);
    // -debug_ts logs every packet: well over the 64 KiB of stderr kept.
    const noisy = await runProcess('ffmpeg', [
      '-nostdin',
      '-debug_ts',
      '-f',
      'lavfi',
      '-i',
      'sine=duration=5',
      '-f',
      'null',
      '-',
    ]);
    assert.equal(noisy.code, 0);
    assert.equal(noisy.stderr.length, 64 * 1024);
  });
});
