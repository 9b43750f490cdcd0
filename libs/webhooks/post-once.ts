import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

export type AttemptResult =
  { kind: 'response'; status: number; retryAfterMs: number | null } | { kind: 'error'; error: Error };

export class AttemptTimeoutError extends Error {
  override name = 'AttemptTimeoutError';
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs} ms`);
  }
}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  lookup: LookupFunction;
  signal: AbortSignal;
}

/**
 * One POST of `body` to `url`, never throwing: the answer's status (its body is read and thrown away) or the
 * error. Redirects are not followed (node:http never does). The timeout covers the whole exchange; a server
 * that sent its status but stalls in the body still counts with that status.
 */
export function postOnce(url: URL, body: string, options: PostOptions): Promise<AttemptResult> {
  return new Promise((resolve) => {
    let settled = false;
    let status: number | null = null;
    let retryAfterMs: number | null = null;
    const finish = (result: AttemptResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const finishWithStatusOr = (error: Error): void =>
      finish(status !== null ? { kind: 'response', status, retryAfterMs } : { kind: 'error', error });

    const client = url.protocol === 'https:' ? https : http;
    const request = client.request({
      method: 'POST',
      protocol: url.protocol,
      // http.request wants an IPv6 literal without the URL's brackets.
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: { ...options.headers, 'Content-Length': String(Buffer.byteLength(body)) },
      lookup: options.lookup,
      // A fresh connection per attempt: no pooled socket outlives the address check.
      agent: false,
      signal: options.signal,
    });
    const timer = setTimeout(() => {
      const error = new AttemptTimeoutError(options.timeoutMs);
      finishWithStatusOr(error);
      request.destroy(error);
    }, options.timeoutMs);

    request.on('response', (response) => {
      status = response.statusCode ?? 0;
      retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      response.on('error', () => undefined);
      response.once('close', () => finishWithStatusOr(new Error('answer ended early')));
      response.resume();
    });
    request.on('error', (error) => finishWithStatusOr(error));
    request.end(body);
  });
}

/** `Retry-After` as delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
