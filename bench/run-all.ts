/**
 * Every benchmark, one after another, each in its own process (`node dist/bench/<name>.js`); prints
 * one table of figures beside their targets, then a JSON summary as the last line of stdout. The
 * benchmarks' own output goes to stderr as they run.
 *   npm run -s bench [-- --quick] [--only a,b] [--skip a,b] [--list]
 * --quick runs each on a smaller input (labelled in the table): minutes instead of an hour.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { type BenchResult, type Figure, formatTable, SUITE } from './run-all-suite';

interface Options {
  quick: boolean;
  only: string[] | null;
  skip: string[];
  list: boolean;
}

function parseOptions(argv: string[]): Options {
  const listAfter = (flag: string): string[] | null => {
    const index = argv.indexOf(flag);
    return index >= 0 ? (argv[index + 1] ?? '').split(',').filter(Boolean) : null;
  };
  const options = {
    quick: argv.includes('--quick'),
    only: listAfter('--only'),
    skip: listAfter('--skip') ?? [],
    list: argv.includes('--list'),
  };
  const known = new Set(SUITE.map((bench) => bench.name));
  for (const name of [...(options.only ?? []), ...options.skip]) {
    if (!known.has(name)) throw new Error(`unknown benchmark "${name}"; known: ${[...known].join(', ')}`);
  }
  return options;
}

/** Runs one script; its output is echoed to stderr, and the last JSON line naming it is its result. */
function runScript(
  name: string,
  args: string[],
): Promise<{ code: number; json: Record<string, unknown> | null; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, `${name}.js`), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      process.stderr.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-2000);
      process.stderr.write(chunk);
    });
    child.on('close', (code) => {
      let json: Record<string, unknown> | null = null;
      for (const line of stdout.trim().split('\n').reverse()) {
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed.bench === name) {
            json = parsed;
            break;
          }
        } catch {
          // a human-readable line
        }
      }
      resolve({ code: code ?? 1, json, tail: tail || stdout.slice(-2000) });
    });
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const chosen = SUITE.filter(
    (bench) =>
      (options.only === null || options.only.includes(bench.name)) && !options.skip.includes(bench.name),
  );
  if (options.list) {
    for (const bench of SUITE) console.log(`${bench.name.padEnd(18)} ${bench.describe(options.quick)}`);
    return;
  }
  const results: BenchResult[] = [];
  const started = Date.now();
  for (const bench of chosen) {
    const args = bench.args(options.quick);
    process.stderr.write(`\n=== ${bench.name} ${args.join(' ')}\n`);
    const benchStarted = Date.now();
    const run = await runScript(bench.name, args);
    const seconds = Math.round((Date.now() - benchStarted) / 1000);
    let figures: Figure[];
    let problem: string | null = null;
    if (run.json) figures = bench.figures(run.json);
    else {
      problem =
        run.code === 2
          ? `skipped: ${run.tail.trim().split('\n').pop()}`
          : `failed (exit ${run.code}): ${run.tail.trim().split('\n').pop()}`;
      figures = [];
    }
    results.push({
      bench: bench.name,
      input: bench.describe(options.quick),
      seconds,
      problem,
      figures,
      raw: run.json,
    });
  }
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
  console.log(formatTable(results));
  console.log(
    `\n${options.quick ? 'quick run (smaller inputs)' : 'full run'} in ${Math.round((Date.now() - started) / 1000)} s on ` +
      `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}`,
  );
  const failed = results.some(
    (result) => result.problem?.startsWith('failed') || result.figures.some((f) => f.pass === false),
  );
  console.log(
    JSON.stringify({
      suite: 'speech-server-bench',
      quick: options.quick,
      date: new Date().toISOString(),
      machine,
      pass: !failed,
      results,
    }),
  );
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
