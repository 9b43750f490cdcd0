import { once } from 'node:events';
import type { Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * SIGTERM/SIGINT: an API first stops accepting connections and lets the requests in flight finish for up
 * to `drainMs` (a synchronous /v1/audio/transcriptions request waits for its job, so it needs Redis and,
 * in role `all`, the worker still up), then the app closes as Nest's shutdown hooks would (the worker
 * gets its own grace there), and the process exits 0. Worst case: drainMs + the worker's stop.
 * `beforeDrain` ends what would otherwise hold the drain to its limit for nothing (open event streams,
 * whose clients reconnect and lose nothing).
 */
export function closeOnSignals(
  app: INestApplicationContext,
  server: Server | null,
  drainMs: number,
  beforeDrain: () => void = () => undefined,
): void {
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    beforeDrain();
    if (server) await drain(server, drainMs);
    await app.close();
    process.exit(0);
  };
  for (const signal of SIGNALS) process.on(signal, () => void stop());
}

async function drain(server: Server, drainMs: number): Promise<void> {
  const closed = once(server, 'close');
  // Stops listening; responses sent from now on close their connection, idle ones close at once.
  server.close();
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
  await Promise.race([closed, expired]);
  clearTimeout(timer);
  server.closeAllConnections();
}
