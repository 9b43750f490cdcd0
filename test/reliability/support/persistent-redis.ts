import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort, sleep } from '../../e2e/support/server-process';

/**
 * A redis-server of the test's own, on a free port, persisting with AOF into a temporary folder,
 * that the test may stop and start again (never the shared one on 6379).
 */
export class PersistentRedis {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'reliability-redis-'));
  private child: ChildProcess | null = null;
  private log = '';

  private constructor(readonly port: number) {}

  static async start(): Promise<PersistentRedis> {
    const redis = new PersistentRedis(await freePort());
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.log;
  }

  /** A clean shutdown (SIGTERM: Redis flushes the AOF), `downMs` of absence, then the same server again. */
  async restart(downMs: number): Promise<void> {
    await this.down();
    await sleep(downMs);
    await this.up();
  }

  /** A clean shutdown that lasts until up(): for checking what clients do while Redis is away. */
  async down(): Promise<void> {
    await this.shutdown();
  }

  /** The same server again, once it answers PONG. */
  async up(): Promise<void> {
    await this.launch();
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered until unfreeze(). */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  unfreeze(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    await this.shutdown();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        ...['--bind', '127.0.0.1', '--port', String(this.port), '--dir', this.dir],
        ...['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const collect = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.child = child;
    const deadline = Date.now() + 10_000;
    while (!(await this.answersPong())) {
      if (child.exitCode !== null) throw new Error(`redis-server exited:\n${this.log.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not start:\n${this.log.slice(-2000)}`);
      await sleep(50);
    }
  }

  /** PONG only once the AOF has been replayed (it answers LOADING until then). */
  private async answersPong(): Promise<boolean> {
    const client = new Redis(this.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  private async shutdown(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}
