import {
  checkCallbackUrl,
  defaultPort,
  isAddressAllowed,
  type AllowedHosts,
  type HostMatch,
  matchAllowedHost,
} from './allowed-hosts';
import { CallbackNotAllowedError } from './errors';
import { guardedLookup, type ResolveHost } from './guarded-lookup';
import { nonPublicAddressKind } from './ip-address';
import { postOnce } from './post-once';
import { SIGNATURE_HEADER, signWebhook } from './signature';

export const WEBHOOK_ID_HEADER = 'X-Webhook-Id';
export const WEBHOOK_ATTEMPT_HEADER = 'X-Webhook-Attempt';
export const DEFAULT_USER_AGENT = 'speech-server-webhooks/1';

/** What one attempt needs to know about its sender. */
export interface AttemptSettings {
  /** HMAC-SHA256 key shared with the receivers. */
  secret: string;
  /** Checked at every attempt, together with the addresses the host resolves to. */
  allowedHosts: AllowedHosts;
  /** Limit on the attempt, connection to end of answer. */
  timeoutMs: number;
  userAgent?: string;
  resolve: ResolveHost;
  signal?: AbortSignal;
}

/** One POST of one delivery. */
export interface WebhookAttempt {
  /** The delivery's id, the `X-Webhook-Id` header: the same on every attempt, so receivers deduplicate. */
  id: string;
  url: string;
  /** The JSON body, exactly as signed and sent. */
  body: string;
  /** 1 for the first attempt; the `X-Webhook-Attempt` header. */
  attempt: number;
  /** Checked beforehand (checkCallbackAuthHeader): an extra header the receiver asked for, e.g. its token. */
  authHeader?: { name: string; value: string };
}

/**
 * How an attempt ended. `retry`: a network error, a timeout, 5xx, 408 or 429 (with the receiver's
 * Retry-After, if any); `refused`: the URL or an address its host resolves to is not allowed, so nothing
 * was sent; `rejected`: any other status (3xx included: redirects are not followed).
 */
export type AttemptOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; error: string; status?: number; retryAfterMs: number | null }
  | { kind: 'refused'; error: string }
  | { kind: 'rejected'; error: string; status: number };

const RETRIED_STATUSES = new Set([408, 429]);

/**
 * Sends one signed attempt of a delivery and says what should happen next. Never throws: whoever keeps
 * the delivery (an in-memory dispatcher or a durable queue) decides when to retry.
 */
export async function attemptWebhook(
  attempt: WebhookAttempt,
  settings: AttemptSettings,
): Promise<AttemptOutcome> {
  let url: URL;
  let match: HostMatch;
  try {
    url = checkCallbackUrl(attempt.url, settings.allowedHosts);
    match = matchAllowedHost(settings.allowedHosts, url) as HostMatch;
  } catch (error) {
    return { kind: 'refused', error: (error as Error).message };
  }
  const checkAddress = (address: string): void => {
    if (isAddressAllowed(settings.allowedHosts, match, address, defaultPort(url))) return;
    throw new CallbackNotAllowedError(
      `callback host ${url.hostname} resolves to ${address}, a ${nonPublicAddressKind(address)} address, ` +
        'which is refused unless that host or address is listed exactly',
      'private-address',
    );
  };
  const result = await postOnce(url, attempt.body, {
    headers: attemptHeaders(attempt, settings),
    timeoutMs: settings.timeoutMs,
    lookup: guardedLookup(settings.resolve, checkAddress),
    signal: settings.signal ?? new AbortController().signal,
  });
  if (result.kind === 'error') {
    if (result.error instanceof CallbackNotAllowedError)
      return { kind: 'refused', error: result.error.message };
    return { kind: 'retry', error: result.error.message, retryAfterMs: null };
  }
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status >= 500 || RETRIED_STATUSES.has(status)) {
    return { kind: 'retry', error: `answered ${status}`, status, retryAfterMs: result.retryAfterMs };
  }
  const why = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  return { kind: 'rejected', error: `answered ${status}${why}`, status };
}

function attemptHeaders(attempt: WebhookAttempt, settings: AttemptSettings): Record<string, string> {
  return {
    // The receiver's own header first: the names below are refused for it, so it can override none of them.
    ...(attempt.authHeader ? { [attempt.authHeader.name]: attempt.authHeader.value } : {}),
    'Content-Type': 'application/json',
    'User-Agent': settings.userAgent ?? DEFAULT_USER_AGENT,
    [WEBHOOK_ID_HEADER]: attempt.id,
    [WEBHOOK_ATTEMPT_HEADER]: String(attempt.attempt),
    // Signed afresh per attempt, so a late retry still falls within the receiver's tolerance.
    [SIGNATURE_HEADER]: signWebhook(attempt.body, settings.secret, Math.floor(Date.now() / 1000)),
  };
}
