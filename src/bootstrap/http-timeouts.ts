import type { Server } from 'node:http';

/** Uploads of a gigabyte over slow links take longer than Node's default 5 minutes. */
export const REQUEST_TIMEOUT_MS = 60 * 60 * 1000;

/**
 * How long an idle keep-alive connection stays open. A reverse proxy reuses its idle upstream connections
 * for up to its own timeout (Caddy 2 min, nginx and cloud load balancers 60 s): if Node closed first (its
 * default is 5 s), a request sent on a connection Node is just closing fails, and the proxy answers 502.
 * So Node keeps them longer than any of those.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 130_000;

/** Applies the timeouts above to the API's HTTP server. */
export function applyHttpTimeouts(server: Server): void {
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Above the keep-alive timeout, as Node's documentation advises, so that an idle socket is closed by
  // the keep-alive timer rather than reported as a headers timeout.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
}
