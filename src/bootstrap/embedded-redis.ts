import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import { freePort } from '../common/free-port';

export interface EmbeddedRedis {
  url: string;
  stop(): void;
}

export class EmbeddedRedisError extends Error {
  override readonly name = 'EmbeddedRedisError';
}

const READY_TIMEOUT_MS = 10_000;
const COMMAND_NOT_FOUND = 127;

/**
 * Starts a private redis-server on a free loopback port, without persistence, for the life of this
 * process. A small shell keeps it on a leash: when this process's end of the pipe closes, even on
 * SIGKILL, the shell stops redis-server, so it never outlives the server.
 */
export async function startEmbeddedRedis(redisServer = 'redis-server'): Promise<EmbeddedRedis> {
  const port = await freePort();
  // Exit status 127 (POSIX: command not found) at once when there is no such redis-server.
  const script =
    `command -v "$0" >/dev/null || exit ${COMMAND_NOT_FOUND}; ` +
    `"$0" --bind 127.0.0.1 --port "$1" --save '' --appendonly no --dir "$2" --loglevel warning & r=$!; ` +
    'read -r _; kill "$r" 2>/dev/null; wait "$r"';
  const child = spawn('sh', ['-c', script, redisServer, String(port), os.tmpdir()], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
  const stop = (): void => {
    child.stdin?.end();
  };
  process.once('exit', stop);
  try {
    await waitUntilReady(port, child, () => stderr);
  } catch (error) {
    stop();
    child.kill('SIGKILL');
    throw error;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

async function waitUntilReady(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited || child.exitCode !== null) break;
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const detail = stderr().trim().split('\n').pop() ?? '';
  throw new EmbeddedRedisError(
    child.exitCode === COMMAND_NOT_FOUND
      ? 'redis-server is not installed: install it (apt-get install redis-server) or set REDIS_URL'
      : `the embedded redis-server did not start${detail ? `: ${detail}` : ''}; or set REDIS_URL`,
  );
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}
