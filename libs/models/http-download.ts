import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { DownloadError, InstallAbortedError } from './errors';

export interface OpenUrlOptions {
  signal?: AbortSignal;
  /** How long to wait for the response headers; past it the host counts as unreachable. Default 15 s. */
  connectTimeoutMs?: number;
  /** How long the body may stall. Default 60 s. */
  idleTimeoutMs?: number;
  maxRedirects?: number;
}

export interface OpenedDownload {
  response: IncomingMessage;
  /** Where the bytes really come from, after redirects. */
  url: string;
  /** From Content-Length; null when the server does not say. */
  totalBytes: number | null;
}

// Failures to reach the host at all: offline, DNS, firewall. Every other download would fail the same way.
const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'ENETDOWN',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `url` over HTTPS (or HTTP where the URL says so, e.g. a local mirror), following redirects but never
 * from HTTPS down to HTTP, and resolves with a 200 response whose body the caller streams.
 */
export async function openUrl(url: string, options: OpenUrlOptions = {}): Promise<OpenedDownload> {
  const maxRedirects = options.maxRedirects ?? 5;
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const response = await requestOnce(current, options);
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status) && response.headers.location) {
      response.resume();
      const next = new URL(response.headers.location, current);
      if (hop >= maxRedirects)
        throw new DownloadError(`${url}: more than ${maxRedirects} redirects`, url, false);
      if (current.protocol === 'https:' && next.protocol !== 'https:') {
        throw new DownloadError(`${url}: refused a redirect from HTTPS to ${next.protocol}`, url, false);
      }
      current = next;
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new DownloadError(
        `${current.href}: HTTP ${status} ${response.statusMessage ?? ''}`.trim(),
        url,
        false,
      );
    }
    const length = Number(response.headers['content-length']);
    return {
      response,
      url: current.href,
      totalBytes: Number.isFinite(length) && length >= 0 ? length : null,
    };
  }
}

function requestOnce(url: URL, options: OpenUrlOptions): Promise<IncomingMessage> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return Promise.reject(
      new DownloadError(`${url.href}: only https and http URLs can be downloaded`, url.href, false),
    );
  }
  if (options.signal?.aborted) return Promise.reject(new InstallAbortedError());
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, {
      signal: options.signal,
      headers: { 'user-agent': 'speech-server-models', accept: '*/*' },
    });
    const timer = setTimeout(() => {
      request.destroy(
        Object.assign(
          new Error(`no answer from ${url.host} within ${options.connectTimeoutMs ?? 15000} ms`),
          {
            code: 'ETIMEDOUT',
          },
        ),
      );
    }, options.connectTimeoutMs ?? 15000);
    request.on('response', (response) => {
      clearTimeout(timer);
      // A stalled body fails the pipeline instead of hanging forever.
      response.socket.setTimeout(options.idleTimeoutMs ?? 60000, () =>
        response.destroy(new Error(`the download from ${url.host} stalled`)),
      );
      resolve(response);
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (options.signal?.aborted) return reject(new InstallAbortedError());
      const unreachable = UNREACHABLE_CODES.has(error.code ?? '');
      reject(new DownloadError(`${url.href}: ${error.message}`, url.href, unreachable));
    });
  });
}
