import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookConfigError } from './errors';

/**
 * Webhook signatures, Stripe's scheme: the header value is `t=<unix seconds>,v1=<hex HMAC-SHA256>`, where
 * the HMAC key is the shared secret and the message is `<t>.<raw request body>`. Binding the timestamp into
 * the MAC lets a receiver refuse replays of old deliveries; `v1` names the scheme so it can change later
 * without breaking receivers, which ignore entries they do not know.
 */
export const SIGNATURE_HEADER = 'X-Webhook-Signature';
export const SIGNATURE_SCHEME = 'v1';

function hmacHex(body: string, secret: string, timestampSeconds: number): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

/** The `X-Webhook-Signature` value for `body` (the exact bytes sent, as a UTF-8 string) at `timestampSeconds`. */
export function signWebhook(body: string, secret: string, timestampSeconds: number): string {
  if (typeof secret !== 'string' || secret === '') {
    throw new WebhookConfigError('a webhook signing secret must be a non-empty string');
  }
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new WebhookConfigError(`a signature timestamp must be whole Unix seconds, not ${timestampSeconds}`);
  }
  return `t=${timestampSeconds},${SIGNATURE_SCHEME}=${hmacHex(body, secret, timestampSeconds)}`;
}

interface ParsedHeader {
  timestamp: number;
  signatures: string[];
}

function parseHeader(header: string): ParsedHeader | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,15}$/.test(value) || timestamp !== null) return null;
      timestamp = Number(value);
    } else if (key === SIGNATURE_SCHEME && /^[0-9a-f]{64}$/i.test(value)) {
      signatures.push(value.toLowerCase());
    }
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * For receivers: true when `header` carries a `v1` signature of `body` made with `secret`, and its timestamp
 * lies within `toleranceSeconds` of `nowSeconds`. Several `v1` entries are accepted (one may match), which
 * lets a sender sign with two secrets while they are rotated. `body` must be the raw body as received,
 * before any JSON parsing. The comparison takes the same time wherever the strings differ.
 */
export function verifyWebhookSignature(
  body: string,
  header: string | undefined | null,
  secret: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  if (typeof header !== 'string' || typeof secret !== 'string' || secret === '') return false;
  const parsed = parseHeader(header);
  if (!parsed || Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(body, secret, parsed.timestamp), 'hex');
  // Every candidate is compared, so the time taken does not tell which one matched.
  let matched = false;
  for (const candidate of parsed.signatures) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched;
}
