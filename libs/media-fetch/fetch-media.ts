import { createWriteStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type AllowedHosts,
  defaultPort,
  guardedLookup,
  isAddressAllowed,
  nonPublicAddressKind,
  type ResolveHost,
  systemResolve,
} from '../webhooks';
import { MediaFetchError } from './errors';
import { type CheckedMediaUrl, checkMediaUrl, fileNameOf } from './media-url';

export interface FetchMediaOptions {
  /** The operator's allow-list (libs/webhooks syntax), checked for the URL and every redirect. */
  allowedHosts: AllowedHosts;
  /** The most bytes the body may have; a larger one is refused, stopped as soon as it is seen. */
  maxBytes: number;
  /** Limit on the whole fetch: every hop, and the body to its last byte. */
  timeoutMs: number;
  /** Redirects followed at most. Default 5. */
  maxRedirects?: number;
  /** Stops the fetch (the client went away). */
  signal?: AbortSignal;
  /** Host name resolution; default the system resolver. */
  resolve?: ResolveHost;
  /** Default `speech-server-media/1`. */
  userAgent?: string;
}

export interface FetchedMedia {
  bytes: number;
  /** The first URL's last path segment, decoded (what the client named), or null. */
  fileName: string | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads a client-named media URL into `destination` (created; never overwritten) under the
 * webhook guards: only allow-listed hosts, checked again for every redirect (each a fresh
 * connection); every address a host resolves to checked inside the connection's own lookup
 * (loopback, private, link-local and the like refused unless the host or the address is listed
 * exactly); at most `maxBytes` (a larger Content-Length is refused before the body, a longer body
 * as soon as it passes the limit); all within `timeoutMs`. Only a 200 is accepted. On any failure
 * the partial file is deleted and a MediaFetchError says why, naming no local path.
 */
export async function fetchMedia(
  url: string,
  destination: string,
  options: FetchMediaOptions,
): Promise<FetchedMedia> {
  const first = checkMediaUrl(url, options.allowedHosts);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  let current = first;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await get(current, options, signal);
      const status = response.statusCode ?? 0;
      if (REDIRECTS.has(status) && response.headers.location) {
        response.destroy();
        if (redirects >= (options.maxRedirects ?? 5)) {
          throw new MediaFetchError(
            `audio_url redirected more than ${options.maxRedirects ?? 5} times`,
            'too-many-redirects',
          );
        }
        current = checkRedirect(response.headers.location, current.url, options.allowedHosts);
        continue;
      }
      if (status !== 200) {
        response.destroy();
        throw new MediaFetchError(`audio_url answered HTTP ${status}, not 200 with the media`, 'http-status');
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.destroy();
        throw tooLarge(options.maxBytes);
      }
      const bytes = await save(response, destination, options.maxBytes, signal);
      if (bytes === 0) throw new MediaFetchError('audio_url answered with an empty body', 'empty');
      return { bytes, fileName: fileNameOf(first.url) };
    }
  } catch (error) {
    await unlink(destination).catch(() => undefined);
    throw explain(error, deadline, options);
  }
}

function checkRedirect(location: string, from: URL, allowed: AllowedHosts): CheckedMediaUrl {
  let target: string;
  try {
    target = new URL(location, from).href;
  } catch {
    throw new MediaFetchError('audio_url redirected to an invalid URL', 'invalid-url');
  }
  return checkMediaUrl(target, allowed, 'audio_url redirect target');
}

/** One GET; resolves with the response head. A fresh connection, whose lookup checks every address. */
function get(
  { url, match }: CheckedMediaUrl,
  options: FetchMediaOptions,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const port = defaultPort(url);
  const lookup = guardedLookup(options.resolve ?? systemResolve, (address) => {
    if (isAddressAllowed(options.allowedHosts, match, address, port)) return;
    throw new MediaFetchError(
      `audio_url host ${url.hostname} resolves to a ${nonPublicAddressKind(address)} address, which is ` +
        'refused unless that host or address is listed exactly',
      'private-address',
    );
  });
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: { 'User-Agent': options.userAgent ?? 'speech-server-media/1', Accept: '*/*' },
      lookup,
      agent: false,
      signal,
    });
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
}

/** Streams the body to a new file, stopping as soon as it passes `maxBytes`; the byte count. */
async function save(
  response: IncomingMessage,
  destination: string,
  maxBytes: number,
  signal: AbortSignal,
): Promise<number> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      bytes += chunk.length;
      callback(bytes > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
  await pipeline(response, limit, createWriteStream(destination, { flags: 'wx', mode: 0o600 }), { signal });
  return bytes;
}

function tooLarge(maxBytes: number): MediaFetchError {
  return new MediaFetchError(`audio_url holds more than the limit of ${maxBytes} bytes`, 'too-large');
}

/** Any failure as a MediaFetchError, but the local file system's own errors (the caller's concern). */
function explain(error: unknown, deadline: AbortSignal, options: FetchMediaOptions): unknown {
  if (error instanceof MediaFetchError) return error;
  if (deadline.aborted) {
    return new MediaFetchError(
      `audio_url did not deliver the media within ${Math.round(options.timeoutMs / 100) / 10} s`,
      'timeout',
    );
  }
  if (options.signal?.aborted) return new MediaFetchError('the fetch of audio_url was stopped', 'aborted');
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // A cause carried by an aborted stream (the size limit, a refused address) wins.
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause instanceof MediaFetchError) return cause;
  if (
    typeof (error as NodeJS.ErrnoException).syscall === 'string' &&
    /^(open|write|close)$/.test((error as NodeJS.ErrnoException).syscall ?? '')
  ) {
    return error;
  }
  return new MediaFetchError(
    `could not fetch audio_url: ${NETWORK_ERRORS[code ?? ''] ?? 'the connection failed'}`,
    'unreachable',
  );
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved now',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate does not name the host",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate is not trusted",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired",
};
