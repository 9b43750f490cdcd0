/**
 * GET /result latency with 100 concurrent pollers (autocannon, keep-alive) against an API process,
 * for a task waiting in the queue: the answer clients poll most. Target p99 <= 10 ms.
 * Pollers ask every 250 ms (as the contract check does): an open-loop load of 400 requests/s whose
 * latency is the figure; then the same 100 connections as fast as they can, for throughput.
 * For scale, the same pollers against a bare node:http server answering the same bytes: the floor
 * that this machine and autocannon (sharing its cores) allow.
 *   node dist/bench/api-poll-latency.js [--connections 100] [--seconds 10] [--interval-ms 250]
 */

const BARE_SERVER = `
require('node:http').createServer((request, response) => {
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end('{"status":"pending"}');
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });`;

async function bareServerPort(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (data: Buffer) => resolve(Number(String(data)))),
  );
  return { port, stop: () => child.kill() };
}
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { argument, benchFiles, requireFiles, startBenchServer, submitFile, TEST_TOKEN } from './api-support';

async function main(): Promise<void> {
  const connections = argument('connections', 100);
  const seconds = argument('seconds', 10);
  const intervalMs = argument('interval-ms', 250);
  requireFiles(benchFiles.audio30s);
  // API role only: the task stays queued, so every GET does the full lookup (result, then job).
  const server = await startBenchServer({ APP_ROLE: 'api' });
  try {
    const taskId = await submitFile(server.baseUrl, readFileSync(benchFiles.audio30s));
    const url = `${server.baseUrl}/result/${taskId}`;
    const probe = await (await fetch(url, { headers: { Authorization: TEST_TOKEN } })).text();
    const headers = { Authorization: TEST_TOKEN };
    await autocannon({ url, connections, duration: 2, headers }); // warm-up
    const pollers = await autocannon({
      url,
      connections,
      duration: seconds,
      headers,
      connectionRate: 1000 / intervalMs,
    });
    const flatOut = await autocannon({ url, connections, duration: seconds, headers });
    console.log(`GET /result answering ${probe}, ${connections} keep-alive connections, ${seconds} s each:`);
    for (const [label, result] of [
      [`pollers every ${intervalMs} ms`, pollers],
      ['as fast as possible', flatOut],
    ] as const) {
      console.log(
        `  ${label}: ${result.requests.total} requests (${result.requests.average.toFixed(0)}/s), ` +
          `${result.non2xx} non-2xx, ${result.errors} errors; latency ms p50 ${result.latency.p50}, ` +
          `p90 ${result.latency.p90}, p99 ${result.latency.p99}, max ${result.latency.max}`,
      );
    }
    const bare = await bareServerPort();
    const floor = await autocannon({
      url: `http://127.0.0.1:${bare.port}/`,
      connections,
      duration: seconds,
      connectionRate: 1000 / intervalMs,
    });
    bare.stop();
    console.log(
      `  bare node:http, same pollers: p50 ${floor.latency.p50}, p90 ${floor.latency.p90}, p99 ${floor.latency.p99}, ` +
        `max ${floor.latency.max} ms`,
    );
    console.log(`p99 with ${connections} pollers: ${pollers.latency.p99} ms (target <= 10 ms)`);
    // One machine-readable line last, for bench/run-all.ts.
    console.log(
      JSON.stringify({
        bench: 'api-poll-latency',
        connections,
        seconds,
        intervalMs,
        p50: pollers.latency.p50,
        p99: pollers.latency.p99,
        requestsPerSecond: pollers.requests.average,
        flatOutRequestsPerSecond: flatOut.requests.average,
        flatOutP99: flatOut.latency.p99,
        non2xx: pollers.non2xx + flatOut.non2xx,
        errors: pollers.errors + flatOut.errors,
        bareP99: floor.latency.p99,
        target: 10,
        pass: pollers.latency.p99 <= 10 && pollers.non2xx + pollers.errors === 0,
      }),
    );
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
