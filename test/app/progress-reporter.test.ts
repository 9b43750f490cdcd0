import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobProgress } from '../../src/jobs/job-catalogue';
import { ProgressReporter } from '../../src/transcription/progress-reporter';

describe('progress reporting to Bull', () => {
  test('a new stage is written at once; percent changes are throttled; writes stay in order', async () => {
    let clock = 0;
    const written: JobProgress[] = [];
    const reporter = new ProgressReporter(
      async (value) => {
        await new Promise((resolve) => setTimeout(resolve, value.stage === 'initializing' ? 20 : 0));
        written.push(value);
      },
      250,
      () => clock,
    );
    reporter.report('initializing', 0);
    reporter.report('transcribing', 5);
    clock = 100;
    reporter.report('transcribing', 20); // throttled
    clock = 300;
    reporter.report('transcribing', 10); // not an increase
    reporter.report('transcribing', 30.4);
    reporter.report('diarizing', 75);
    await reporter.flush();
    assert.deepEqual(written, [
      { stage: 'initializing', percent: 0 },
      { stage: 'transcribing', percent: 5 },
      { stage: 'transcribing', percent: 30 },
      { stage: 'diarizing', percent: 75 },
    ]);
  });

  test('a failing write does not break later writes', async () => {
    const written: string[] = [];
    const reporter = new ProgressReporter(async (value) => {
      if (value.stage === 'initializing') throw new Error('redis down');
      written.push(value.stage);
    });
    reporter.report('initializing', 0);
    reporter.report('combining', 95);
    await reporter.flush();
    assert.deepEqual(written, ['combining']);
  });
});
