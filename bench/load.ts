/**
 * Load: 200 clients polling GET /result (every 250 ms each) and 10 clients uploading a 30 s WAV
 * (each paced to 1 MiB/s, as over a real link), for 60 s, against an API process. Every error is
 * counted (target: none); latency percentiles are reported.
 *   node dist/bench/load.js [--seconds 60] [--pollers 200] [--uploaders 10] [--interval-ms 250]
 *                           [--upload-kib-per-s 1024]
 */
import { readFileSync } from 'node:fs';
import { argument, benchFiles, requireFiles, startBenchServer, TEST_TOKEN } from './api-support';
import { runLoad } from './load-clients';

async function main(): Promise<void> {
  const seconds = argument('seconds', 60);
  const pollers = argument('pollers', 200);
  const uploaders = argument('uploaders', 10);
  const pollIntervalMs = argument('interval-ms', 250);
  const uploadBytesPerSecond = argument('upload-kib-per-s', 1024) * 1024;
  requireFiles(benchFiles.audio30s);
  // The API alone: uploads queue up for workers that are not there, so only HTTP is measured.
  const server = await startBenchServer({ APP_ROLE: 'api', LOG_LEVEL: 'error' });
  try {
    const report = await runLoad({
      baseUrl: server.baseUrl,
      authorization: TEST_TOKEN,
      seconds,
      pollers,
      uploaders,
      pollIntervalMs,
      upload: readFileSync(benchFiles.audio30s),
      uploadBytesPerSecond,
    });
    const { polls, uploads } = report;
    console.log(
      `${pollers} pollers (every ${pollIntervalMs} ms) + ${uploaders} uploaders (${uploadBytesPerSecond / 1024} KiB/s each), ${report.seconds} s:`,
    );
    console.log(
      `  GET /result:     ${polls.count} requests (${polls.perSecond}/s), ${polls.errors} errors; ` +
        `latency ms p50 ${polls.p50}, p90 ${polls.p90}, p99 ${polls.p99}, max ${polls.max}`,
    );
    console.log(
      `  POST /transcribe: ${uploads.count} uploads (${uploads.mibPerSecond} MiB/s in all), ${uploads.errors} errors; ` +
        `time per upload ms p50 ${uploads.p50}, p99 ${uploads.p99}, max ${uploads.max}`,
    );
    for (const sample of report.errorSamples) console.log(`  error: ${sample}`);
    console.log(JSON.stringify({ bench: 'load', ...report, pass: polls.errors + uploads.errors === 0 }));
    if (polls.errors + uploads.errors > 0) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
