/**
 * What idle event streams (GET /result/{task_id}/events waiting on their tasks) cost one API process:
 * its resident memory (/proc/PID/status) and V8 heap (its /metrics) with none open, then with N open,
 * each having received its first event. Every stream of a process shares one Redis subscription.
 *   node dist/bench/api-event-streams.js [--streams 100]
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { argument, sleep, startBenchServer, TEST_TOKEN } from './api-support';

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function heapUsedMb(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(text)?.[1] ?? NaN) / 2 ** 20;
}

/** Opens a stream and resolves once its first event arrived; the request stays open until destroyed. */
function openStream(baseUrl: string, agent: http.Agent): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${baseUrl}/result/${randomUUID()}/events`,
      { agent, headers: { Authorization: TEST_TOKEN, Accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) reject(new Error(`answered ${response.statusCode}`));
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (chunk.includes('event: pending')) resolve(request);
        });
      },
    );
    request.on('error', reject);
  });
}

/** Settles, then the median of a few samples: one reading of RSS moves with the allocator. */
async function measure(pid: number, baseUrl: string): Promise<{ rss: number; heap: number }> {
  await sleep(2000);
  const rss: number[] = [];
  const heap: number[] = [];
  for (let i = 0; i < 5; i++) {
    rss.push(rssMb(pid));
    heap.push(await heapUsedMb(baseUrl));
    await sleep(200);
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[2];
  return { rss: median(rss), heap: median(heap) };
}

const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

async function main(): Promise<void> {
  const count = argument('streams', 100);
  const server = await startBenchServer({ APP_ROLE: 'api' });
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const open: http.ClientRequest[] = [];
  try {
    // One stream first, so that the process's one subscription connection is part of the baseline.
    (await openStream(server.baseUrl, agent)).destroy();
    const before = await measure(server.pid, server.baseUrl);
    for (let i = 0; i < count; i++) open.push(await openStream(server.baseUrl, agent));
    const after = await measure(server.pid, server.baseUrl);
    const rssDelta = after.rss - before.rss;
    const heapDelta = after.heap - before.heap;
    console.error(
      `${count} idle streams: RSS ${before.rss.toFixed(1)} -> ${after.rss.toFixed(1)} MB (${signed(rssDelta)} MB, ` +
        `${((rssDelta * 1024) / count).toFixed(0)} KiB each); V8 heap used ${before.heap.toFixed(1)} -> ` +
        `${after.heap.toFixed(1)} MB (${signed(heapDelta)} MB; garbage collection moves it by more than 100 streams do)`,
    );
    console.log(
      JSON.stringify({
        bench: 'api-event-streams',
        streams: count,
        rssBeforeMb: before.rss,
        rssAfterMb: after.rss,
        rssDeltaMb: rssDelta,
        rssPerStreamKib: (rssDelta * 1024) / count,
        heapBeforeMb: before.heap,
        heapAfterMb: after.heap,
        heapDeltaMb: heapDelta,
      }),
    );
  } finally {
    for (const request of open) request.destroy();
    agent.destroy();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
