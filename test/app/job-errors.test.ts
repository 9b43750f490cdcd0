import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  describeJobFailure,
  formatDuration,
  JobTimeoutError,
  WorkerShutdownError,
} from '../../src/transcription/job-errors';

describe('failure messages of jobs', () => {
  test('the abort reason wins over what the aborted call threw', () => {
    const controller = new AbortController();
    controller.abort(new JobTimeoutError(3 * 60 * 60 * 1000));
    const message = describeJobFailure(new Error('whisper_full aborted'), controller.signal, '/tmp/x');
    assert.equal(message, 'processing took longer than the limit of 3 h (JOB_TIMEOUT_MS) and was stopped');
    const shutdown = new AbortController();
    shutdown.abort(new WorkerShutdownError());
    assert.match(describeJobFailure(new Error('x'), shutdown.signal, '/tmp/x'), /worker was shut down/);
  });

  test('messages are one line and never show the upload path', () => {
    const signal = new AbortController().signal;
    const message = describeJobFailure(
      new Error('cannot open /srv/uploads/abc: broken\n  at somewhere'),
      signal,
      '/srv/uploads/abc',
    );
    assert.equal(message, 'cannot open input: broken');
    assert.equal(describeJobFailure('plain string', signal, '/x'), 'plain string');
    // Nor any other file of the server; ratios and the like stay as they are.
    assert.equal(
      describeJobFailure(
        new Error("ENOENT: no such file or directory, open '/opt/models/x.onnx'"),
        signal,
        '/u/1',
      ),
      "ENOENT: no such file or directory, open '(a server file)'",
    );
    assert.equal(
      describeJobFailure(new Error('at 16 kHz/mono, 1/2 done'), signal, '/u/1'),
      'at 16 kHz/mono, 1/2 done',
    );
  });

  test('durations read naturally', () => {
    assert.equal(formatDuration(500), '500 ms');
    assert.equal(formatDuration(4000), '4 s');
    assert.equal(formatDuration(90_000), '1.5 min');
    assert.equal(formatDuration(10_800_000), '3 h');
  });
});
