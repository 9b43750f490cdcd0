import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { runLoad } from '../../bench/load-clients';
import { type RunningServer, startServer, TEST_TOKEN } from '../e2e/support/server-process';
import { SPEECH_FIXTURE } from './support/audio-clips';
import { NO_RATE_LIMITS } from './support/cluster';
import { skipUnlessPresent } from '../support/shared-files';

/** The CI version of `node dist/bench/load.js` (60 s): the same clients for a few seconds. */
const SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 8);
const POLLERS = 200;
const UPLOADERS = 10;
const POLL_INTERVAL_MS = 250;

describe(
  'load: 200 clients polling and 10 uploading at once',
  { skip: skipUnlessPresent(SPEECH_FIXTURE) },
  () => {
    let server: RunningServer;

    before(async () => {
      // The API alone: uploads wait in the queue; what is measured is HTTP, Redis and the disk.
      server = await startServer({ ...NO_RATE_LIMITS, APP_ROLE: 'api', LOG_LEVEL: 'error' });
    });
    after(async () => {
      await server?.stop();
    });

    test(`${SECONDS} s without a single error, with latency percentiles`, async (t) => {
      const report = await runLoad({
        baseUrl: server.baseUrl,
        authorization: TEST_TOKEN,
        seconds: SECONDS,
        pollers: POLLERS,
        uploaders: UPLOADERS,
        pollIntervalMs: POLL_INTERVAL_MS,
        upload: readFileSync(SPEECH_FIXTURE),
        uploadBytesPerSecond: 1024 * 1024,
      });
      t.diagnostic(
        `GET /result: ${report.polls.count} (${report.polls.perSecond}/s), p50 ${report.polls.p50} ms, ` +
          `p90 ${report.polls.p90} ms, p99 ${report.polls.p99} ms, max ${report.polls.max} ms`,
      );
      t.diagnostic(
        `POST /transcribe: ${report.uploads.count} uploads (${report.uploads.mibPerSecond} MiB/s), ` +
          `p50 ${report.uploads.p50} ms, p99 ${report.uploads.p99} ms`,
      );
      assert.deepEqual(report.errorSamples, []);
      assert.equal(report.polls.errors, 0);
      assert.equal(report.uploads.errors, 0);
      // At least a quarter of the offered poll rate was served: nothing stalled.
      const offered = (POLLERS * SECONDS * 1000) / POLL_INTERVAL_MS;
      assert.ok(report.polls.count >= offered / 4, `${report.polls.count} polls of ${offered} offered`);
      assert.ok(report.uploads.count >= UPLOADERS, `${report.uploads.count} uploads`);
      assert.equal(server.child.exitCode, null);
    });
  },
);
