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

test('nothing is reported once the call has settled, and a throwing callback breaks nothing', () => {
  let calls = 0;
  const forwarder = new SegmentForwarder(() => {
    calls++;
    throw new Error('a display failed');
  }, afterCut);
  assert.doesNotThrow(() => forwarder.native?.({ t0: 0, t1: 100, text: 'one' }));
  forwarder.stop();
  forwarder.native?.({ t0: 100, t1: 200, text: 'late' });
  assert.equal(calls, 1);
});

test('without a callback the addon gets none, so whisper.cpp reports nothing', () => {
  assert.equal(new SegmentForwarder(undefined, afterCut).native, undefined);
});
