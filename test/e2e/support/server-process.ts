import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { models, repoRoot } from '../../support/shared-files';
import { freePort } from '../../../src/common/free-port';

export { freePort };

/** The Redis the tests share (one runs on 127.0.0.1:6379 on these machines and in CI). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const JWT_SECRET = 'e2e-secret-of-a-reasonable-length-0123456789';
export const TEST_TOKEN = 'e2e-static-test-token';

export interface RunningServer {
  baseUrl: string;
  port: number;
  pid: number;
  child: ChildProcess;
  prefix: string;
  uploadDir: string;
  redis: Redis;
  /** Everything the server wrote, for diagnosing a failure. */
  output(): string;
  uploadsLeft(): string[];
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /**
   * A Redis key prefix and upload folder shared with other server processes (an API and its
   * workers). The caller created them, so stop() leaves them for the caller to clean up.
   */
  prefix?: string;
  uploadDir?: string;
  /** When the process counts as started: /health answering (default) or a line of its output. */
  readyWhen?: 'health' | RegExp;
}

/** Environment of a complete server (API and worker) on the shared test models. */
export function defaultServerEnv(): Record<string, string> {
  return {
    APP_ROLE: 'all',
    JWT_SECRET,
    TEST_TOKEN,
    REDIS_URL: TEST_REDIS_URL,
    WHISPER_MODEL_PATH: models.whisperTiny,
    VAD_MODEL_PATH: models.sileroVad,
    SEGMENTATION_MODEL_PATH: models.segmentation,
    WHISPER_THREADS: '2',
    LOG_LEVEL: 'warn',
  };
}

/**
 * Starts `node dist/src/main.js` on a free port with its own Redis key prefix and upload folder
 * (unless `options` names shared ones); resolves once /health answers, or once the output matches
 * `options.readyWhen` (a worker serves no HTTP). `env` values of undefined remove a variable.
 */
export async function startServer(
  env: Record<string, string | undefined> = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const port = await freePort();
  const prefix = options.prefix ?? `e2e-${randomBytes(6).toString('hex')}`;
  const uploadDir = options.uploadDir ?? mkdtempSync(path.join(tmpdir(), 'e2e-uploads-'));
  const merged: Record<string, string | undefined> = {
    ...pickInherited(),
    ...defaultServerEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_PREFIX: prefix,
    UPLOAD_DIR: uploadDir,
    ...env,
  };
  const cleanEnv = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  // A scratch cwd: a developer's .env in the repository must not leak into the test's configuration.
  const cwd = mkdtempSync(path.join(tmpdir(), 'e2e-cwd-'));
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'src', 'main.js')], {
    cwd,
    env: cleanEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-100_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const redis = new Redis(cleanEnv.REDIS_URL ?? TEST_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  const server: RunningServer = {
    baseUrl,
    port,
    pid: child.pid ?? -1,
    child,
    prefix,
    uploadDir,
    redis,
    output: () => output,
    uploadsLeft: () => readdirSync(uploadDir),
    exited,
    stop: async () => {
      await stopChild(child);
      if (options.prefix === undefined && cleanEnv.REDIS_URL)
        await deleteKeys(redis, prefix).catch(() => undefined);
      redis.disconnect();
      if (options.uploadDir === undefined) rmSync(uploadDir, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    },
  };
  try {
    const readyWhen = options.readyWhen ?? 'health';
    if (readyWhen === 'health') await waitForHealth(baseUrl, child, () => output);
    else await waitForOutput(readyWhen, child, () => output);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Only what a process needs to run (and where the addon is, if overridden); nothing else leaks in. */
function pickInherited(): Record<string, string | undefined> {
  const { PATH, HOME, LANG, SPEECH_ADDON_PATH } = process.env;
  return { PATH, HOME, LANG, SPEECH_ADDON_PATH };
}

async function waitForHealth(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode} before serving:\n${output().slice(-4000)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`server did not answer /health within 90 s:\n${output().slice(-4000)}`);
}

async function waitForOutput(pattern: RegExp, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (pattern.test(output())) return;
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode} before starting:\n${output().slice(-4000)}`);
    }
    await sleep(100);
  }
  throw new Error(`server did not print ${String(pattern)} within 90 s:\n${output().slice(-4000)}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
