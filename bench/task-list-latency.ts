import Redis from 'ioredis';
import { mintToken } from '../src/auth/mint-token';
import { newTaskId } from '../src/jobs/task-id';
import { RedisKeys } from '../src/redis/redis-keys';
import { TaskIndex } from '../src/tasks/task-index.repository';
import { argument, REDIS_URL, startBenchServer } from './api-support';

/**
 * GET /tasks latency for a subject with 10 000 tasks against one with a small list (the reference),
 * on one API process, their requests alternated so that the machine's noise falls on both alike:
 * the first page (20 and 100 tasks), a status filter matching one task in ten, and (large list
 * only) a page 5000 tasks deep reached by its cursor. The records are written with the server's
 * own TaskIndex, as the API and workers write them (one in ten completed, the rest queued).
 *   node dist/bench/task-list-latency.js [--tasks 10000] [--reference 20] [--requests 200]
 */

const JWT_SECRET = 'bench-secret';
const LARGE_OWNER = 'bench-many-tasks';
const SMALL_OWNER = 'bench-few-tasks';

interface Latency {
  p50: number;
  p99: number;
}

function percentiles(times: number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number): number =>
    Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(2));
  return { p50: at(0.5), p99: at(0.99) };
}

async function timedGet(url: string, token: string): Promise<{ ms: number; body: unknown }> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  const body = (await response.json()) as unknown;
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, body };
}

/** The same query for both subjects, alternated; `requests` each after a warm-up. */
async function compare(
  urls: { small: string | null; large: string },
  tokens: { small: string; large: string },
  requests: number,
): Promise<{ small: Latency | null; large: Latency }> {
  const times = { small: [] as number[], large: [] as number[] };
  for (let i = 0; i < requests + 20; i++) {
    const large = await timedGet(urls.large, tokens.large);
    const small = urls.small === null ? null : await timedGet(urls.small, tokens.small);
    if (i < 20) continue;
    times.large.push(large.ms);
    if (small) times.small.push(small.ms);
  }
  return { small: urls.small === null ? null : percentiles(times.small), large: percentiles(times.large) };
}

/** Adds `count` tasks of `owner`, one in ten completed, created one millisecond apart from `startMs`. */
async function seed(index: TaskIndex, owner: string, count: number, startMs: number): Promise<void> {
  const batch = 500;
  for (let from = 0; from < count; from += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - from) }, async (_, offset) => {
        const i = from + offset;
        const task = {
          taskId: newTaskId(),
          owner,
          kind: 'transcribe',
          fileName: `recording-${i}.wav`,
          createdAt: startMs + i,
        };
        await index.created(task, 24 * 3600_000);
        if (i % 10 === 0) await index.finished(task, { status: 'completed', audioSeconds: 60 }, 3 * 3600_000);
      }),
    );
  }
}

/** Walks pages of 100 from the newest: the cursor `depth` tasks down, and the time taken. */
async function walk(baseUrl: string, token: string, depth: number): Promise<{ cursor: string; ms: number }> {
  let cursor = '';
  const started = Date.now();
  for (let seen = 0; seen < depth; seen += 100) {
    const url = `${baseUrl}/tasks?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
    const { body } = await timedGet(url, token);
    const next = (body as { next_cursor: string | null }).next_cursor;
    if (!next) throw new Error(`the list ended before ${depth} tasks`);
    cursor = next;
  }
  return { cursor, ms: Date.now() - started };
}

async function main(): Promise<void> {
  const total = argument('tasks', 10_000);
  const reference = argument('reference', 20);
  const requests = argument('requests', 200);
  const server = await startBenchServer({ APP_ROLE: 'api', JWT_SECRET });
  const redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
  try {
    const index = new TaskIndex(redis, new RedisKeys(server.prefix));
    const start = Date.now() - total - 1000;
    const seedStarted = Date.now();
    await seed(index, LARGE_OWNER, total, start);
    console.error(`seeded ${total} tasks in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`);
    await seed(index, SMALL_OWNER, reference, start);
    const tokens = {
      small: mintToken(JWT_SECRET, SMALL_OWNER, '1h'),
      large: mintToken(JWT_SECRET, LARGE_OWNER, '1h'),
    };
    const base = `${server.baseUrl}/tasks`;
    const deep = await walk(server.baseUrl, tokens.large, 5000);
    const rows: [string, { small: Latency | null; large: Latency }][] = [
      ['first page (limit 20)', await compare({ small: base, large: base }, tokens, requests)],
      [
        'first page (limit 100)',
        await compare({ small: `${base}?limit=100`, large: `${base}?limit=100` }, tokens, requests),
      ],
      [
        'status=completed (1 task in 10)',
        await compare(
          { small: `${base}?status=completed`, large: `${base}?status=completed` },
          tokens,
          requests,
        ),
      ],
      [
        'page 5000 tasks deep (cursor)',
        await compare({ small: null, large: `${base}?cursor=${deep.cursor}` }, tokens, requests),
      ],
    ];
    const everything = await walk(server.baseUrl, tokens.large, total - 100);
    console.log(`GET /tasks, ${requests} requests per query and list, alternated; latency ms p50 / p99:`);
    console.log(`  ${'query'.padEnd(34)} ${`${reference} tasks`.padEnd(16)} ${total} tasks`);
    for (const [label, { small, large }] of rows) {
      const reference = small ? `${small.p50} / ${small.p99}` : '—';
      console.log(`  ${label.padEnd(34)} ${reference.padEnd(16)} ${large.p50} / ${large.p99}`);
    }
    console.log(`  all ${total} tasks in pages of 100, one after another: ${everything.ms} ms`);
    const [firstPage] = rows;
    const ratio = Number((firstPage[1].large.p50 / (firstPage[1].small?.p50 ?? NaN)).toFixed(2));
    console.log(`first page p50, ${total} tasks / ${reference} tasks: ${ratio}`);
    console.log(
      JSON.stringify({
        bench: 'task-list-latency',
        tasks: total,
        reference,
        requests,
        rows: Object.fromEntries(rows),
        walkAllMs: everything.ms,
        firstPageRatio: ratio,
        p50: firstPage[1].large.p50,
        p99: firstPage[1].large.p99,
      }),
    );
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
