import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NewSegment } from '../../libs/speech';
import { SegmentForwarder } from '../../libs/speech/new-segments';

// whisper.cpp's segments as the addon hands them over (centiseconds of the audio it was given), mapped
// the way WhisperModel maps them: here, audio whose first 2 s were cut by VAD.
const afterCut = (centiseconds: number): number => 2 + centiseconds / 100;

test('segments reach the callback in order, in seconds of the original audio, text trimmed', () => {
  const seen: NewSegment[] = [];
  const forwarder = new SegmentForwarder((segment) => seen.push(segment), afterCut);
  forwarder.native?.({ t0: 0, t1: 250, text: ' Hello there.' });
  forwarder.native?.({ t0: 250, t1: 240, text: ' And you? ' });
  assert.deepEqual(seen, [
    { start: 2, end: 4.5, text: 'Hello there.' },
    // An end before the start (whisper.cpp rounds each on its own) is clamped to the start.
    { start: 4.5, end: 4.5, text: 'And you?' },
  ]);
});

test('segments still queued when the call settles come from the result: each once, in order, none late', () => {
  const seen: string[] = [];
  const forwarder = new SegmentForwarder((segment) => seen.push(segment.text), afterCut);
  const result = {
    segments: [
      { t0: 0, t1: 100, text: 'one' },
      { t0: 100, t1: 200, text: 'two' },
      { t0: 200, t1: 300, text: 'three' },
    ],
  };
  forwarder.native?.(result.segments[0]);
  assert.equal(forwarder.finish(result), result);
  // The native reports of the rest arrive after the promise settled: already given.
  forwarder.native?.(result.segments[1]);
  forwarder.native?.(result.segments[2]);
  assert.deepEqual(seen, ['one', 'two', 'three']);
});

test('after a failure nothing more is reported, and a throwing callback breaks nothing', () => {
  let calls = 0;
  const forwarder = new SegmentForwarder(() => {
    calls++;
    throw new Error('a display failed');
  }, afterCut);
  assert.doesNotThrow(() => forwarder.native?.({ t0: 0, t1: 100, text: 'one' }));
  const aborted = new Error('aborted');
  assert.throws(() => forwarder.fail(aborted), aborted);
  forwarder.native?.({ t0: 100, t1: 200, text: 'late' });
  assert.equal(calls, 1);
});

test('without a callback the addon gets none, so whisper.cpp reports nothing', () => {
  assert.equal(new SegmentForwarder(undefined, afterCut).native, undefined);
});
