import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../src/common/free-port';

/** What the API benchmarks share: a real server process on a free port, its own Redis prefix. */
export const repoRoot = path.resolve(__dirname, '..', '..');
export const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(repoRoot, '..', 'shared'));
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_TOKEN = 'bench-test-token';

export const benchFiles = {
  whisper:
    process.env.BENCH_WHISPER_MODEL ?? path.join(sharedDir, 'models', 'whisper', 'for-tests-ggml-tiny.bin'),
  vad: process.env.BENCH_VAD_MODEL ?? path.join(sharedDir, 'models', 'vad', 'ggml-silero-v6.2.0.bin'),
  segmentation: path.join(sharedDir, 'models', 'segmentation', 'pyannote-segmentation-3.0.int8.onnx'),
  audio30s: path.join(sharedDir, 'fixtures', 'audio', 'conv-en-2spk.wav'),
};

export function requireFiles(...files: string[]): void {
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    console.error(`missing ${missing.join(', ')} (set SHARED_DIR)`);
    process.exit(2);
  }
}

export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface BenchServer {
  baseUrl: string;
  port: number;
  pid: number;
  uploadDir: string;
  /** The server's Redis key prefix, for benchmarks that seed Redis. */
  prefix: string;
  stop(): Promise<void>;
}

/**
 * The V8 flags the start scripts, systemd units and Dockerfile run the server with: a 2 MiB young
 * generation keeps the garbage of streamed uploads from inflating the API's RSS (about 155 -> 126 MB
 * during a 1 GiB upload).
 */
const SERVER_NODE_FLAGS = ['--max-semi-space-size=2'];

/** `node dist/src/main.js` with the given environment; resolves when /health answers. */
export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  const port = await freePort();
  const prefix = `bench-${randomBytes(5).toString('hex')}`;
  const uploadDir = mkdtempSync(path.join(tmpdir(), 'bench-uploads-'));
  const cwd = mkdtempSync(path.join(tmpdir(), 'bench-cwd-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [...SERVER_NODE_FLAGS, path.join(repoRoot, 'dist', 'src', 'main.js')],
    {
      cwd,
      env: {
        PATH: process.env.PATH,
        // For experiments with V8 flags of the server alone (e.g. --max-semi-space-size).
        ...(process.env.BENCH_SERVER_NODE_OPTIONS
          ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS }
          : {}),
        JWT_SECRET: 'bench-secret',
        TEST_TOKEN,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        UPLOAD_DIR: uploadDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // The benchmarks send far more than one client may: they measure the path, not the limiter.
        RATE_LIMIT_UPLOADS_PER_MINUTE: '0',
        RATE_LIMIT_POLLS_PER_MINUTE: '0',
        ...env,
      },
      stdio: ['ignore', process.env.BENCH_SERVER_STDOUT ? 'inherit' : 'ignore', 'inherit'],
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error('server did not start');
    await sleep(100);
  }
  return {
    baseUrl,
    port,
    pid: child.pid ?? -1,
    uploadDir,
    prefix,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      rmSync(uploadDir, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

/** POST /transcribe with a small file held in memory (fetch + FormData); the new task's id. */
export async function submitFile(
  baseUrl: string,
  bytes: Uint8Array,
  fields: Record<string, string> = {},
): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), 'conv.wav');
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const response = await fetch(`${baseUrl}/transcribe`, {
    method: 'POST',
    body: form,
    headers: { Authorization: TEST_TOKEN },
  });
  return ((await response.json()) as { task_id: string }).task_id;
}
