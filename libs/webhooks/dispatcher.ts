import { randomUUID } from 'node:crypto';
import type { AllowedHosts } from './allowed-hosts';
import { type AttemptOutcome, attemptWebhook, DEFAULT_USER_AGENT } from './attempt';
import { DEFAULT_BACKOFF, retryDelayMs } from './backoff';
import { WebhookConfigError } from './errors';
import type { FailureReason, WebhookEvent } from './events';
import { systemResolve, type ResolveHost } from './guarded-lookup';

export interface WebhookDispatcherOptions {
  /** HMAC-SHA256 key shared with the receivers. */
  secret: string;
  /** Checked again at every attempt, together with the addresses the host resolves to. */
  allowedHosts: AllowedHosts;
  /** Attempts per delivery, the first included. Default 6. */
  maxAttempts?: number;
  /** Wait after the first failed attempt; doubles after each. Default 2000 ms (6 attempts span about 1 min). */
  baseDelayMs?: number;
  /** Longest single wait, also the cap on a receiver's `Retry-After`. Default 60 000 ms. */
  maxDelayMs?: number;
  /** Each wait is its nominal value times a random factor in [1 - jitter, 1 + jitter]. Default 0.2. */
  jitter?: number;
  /** Limit on one attempt, connection to end of answer. Default 10 000 ms. */
  timeoutMs?: number;
  /** Requests in flight at once. Default 8. */
  maxConcurrent?: number;
  /** Deliveries not yet finished (sending, queued or waiting to retry); past it one is dropped. Default 1000. */
  maxPending?: number;
  /** Default `speech-server-webhooks/1`. */
  userAgent?: string;
  /** Called for every outcome; exceptions it throws are reported through `warn` and otherwise ignored. */
  onEvent?: (event: WebhookEvent) => void;
  /** Where warnings go (dropped deliveries). Default: process.emitWarning. */
  warn?: (message: string) => void;
  /** Host name resolution; default the system resolver (dns.lookup). */
  resolve?: ResolveHost;
}

export interface WebhookRequest {
  url: string;
  /** Sent as its JSON serialization, taken at dispatch time. */
  payload: unknown;
}

export interface CloseResult {
  /** Deliveries still unfinished when the grace period ended; each was reported as failed ('shutdown'). */
  abandoned: number;
}

interface Delivery {
  id: string;
  url: string;
  body: string;
  target: string;
  attempt: number;
  createdAt: number;
  timer?: NodeJS.Timeout;
  abort?: AbortController;
}

const DROP_WARNING_INTERVAL_MS = 10_000;

type Settings = Required<Omit<WebhookDispatcherOptions, 'onEvent'>> &
  Pick<WebhookDispatcherOptions, 'onEvent'>;

/**
 * Sends webhooks in the background: `dispatch()` only queues, so a worker never waits on a receiver.
 * Each delivery is a signed JSON POST, retried with exponential backoff and jitter on network errors,
 * timeouts, 5xx, 408 and 429 (honouring `Retry-After` up to `maxDelayMs`), and given up on any other
 * status. Redirects are not followed. Memory stays bounded: at most `maxPending` deliveries are kept, the
 * oldest not in flight dropped first, with a warning (one per 10 s at most, counting the others). Retry timers do not keep the process alive; call `close()` to let
 * pending deliveries finish before exiting.
 */
export class WebhookDispatcher {
  private readonly settings: Settings;
  /** Unfinished deliveries by id; a Map keeps insertion order, so the first is the oldest. */
  private readonly pending = new Map<string, Delivery>();
  private readonly ready: Delivery[] = [];
  private inFlight = 0;
  private closed = false;
  private readonly idleWaiters: (() => void)[] = [];
  private lastDropWarning = -Infinity;
  private dropsSinceWarning = 0;

  constructor(options: WebhookDispatcherOptions) {
    if (typeof options.secret !== 'string' || options.secret === '') {
      throw new WebhookConfigError('WebhookDispatcher needs a non-empty signing secret');
    }
    this.settings = {
      maxAttempts: 6,
      ...DEFAULT_BACKOFF,
      timeoutMs: 10_000,
      maxConcurrent: 8,
      maxPending: 1000,
      userAgent: DEFAULT_USER_AGENT,
      warn: (message) => process.emitWarning(message, 'WebhookWarning'),
      resolve: systemResolve,
      ...definedOnly(options),
      secret: options.secret,
      allowedHosts: options.allowedHosts,
    };
    for (const key of ['maxAttempts', 'maxConcurrent', 'maxPending'] as const) {
      const value = this.settings[key];
      if (!Number.isInteger(value) || value < 1) {
        throw new WebhookConfigError(`${key} must be a positive integer, not ${value}`);
      }
    }
    for (const key of ['baseDelayMs', 'maxDelayMs', 'timeoutMs'] as const) {
      const value = this.settings[key];
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new WebhookConfigError(`${key} must be a non-negative number of milliseconds, not ${value}`);
      }
    }
    if (!(this.settings.jitter >= 0 && this.settings.jitter <= 1)) {
      throw new WebhookConfigError(`jitter must lie between 0 and 1, not ${this.settings.jitter}`);
    }
  }

  /** Deliveries not yet finished. */
  get pendingCount(): number {
    return this.pending.size;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  /**
   * Queues one delivery and returns its id (the `X-Webhook-Id` header) at once. Problems with the URL or
   * the receiver are reported through `onEvent`, never thrown; only a payload JSON cannot encode throws.
   */
  dispatch(request: WebhookRequest): string {
    const body = JSON.stringify(request.payload);
    if (typeof body !== 'string') throw new TypeError('a webhook payload must be JSON-serializable');
    const delivery: Delivery = {
      id: randomUUID(),
      url: request.url,
      body,
      target: describeTarget(request.url),
      attempt: 0,
      createdAt: Date.now(),
    };
    if (this.closed) {
      this.drop(delivery, 'the webhook dispatcher is closed');
      return delivery.id;
    }
    while (this.pending.size >= this.settings.maxPending) {
      const oldest = this.oldestDroppable();
      this.remove(oldest);
      this.drop(oldest, `more than ${this.settings.maxPending} webhook deliveries pending`);
    }
    this.pending.set(delivery.id, delivery);
    this.ready.push(delivery);
    this.pump();
    return delivery.id;
  }

  /**
   * Stops accepting deliveries and waits up to `graceMs` for the pending ones (retries included) to finish;
   * whatever is left then is cancelled and reported as failed with reason 'shutdown'.
   */
  async close(graceMs = 10_000): Promise<CloseResult> {
    this.closed = true;
    if (this.pending.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    const left = [...this.pending.values()];
    for (const delivery of left) {
      this.remove(delivery);
      this.fail(delivery, 'shutdown', 'still pending when the server shut down');
    }
    return { abandoned: left.length };
  }

  private pump(): void {
    while (this.inFlight < this.settings.maxConcurrent && this.ready.length > 0) {
      const delivery = this.ready.shift() as Delivery;
      this.inFlight++;
      this.attempt(delivery)
        .catch((error: unknown) => {
          // attempt() handles its own failures; this is a last guard against a bug leaving a delivery stuck.
          if (this.pending.has(delivery.id)) {
            this.remove(delivery);
            this.fail(delivery, 'exhausted', `internal error: ${String(error)}`);
          }
        })
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.attempt++;
    const abort = new AbortController();
    delivery.abort = abort;
    const outcome = await attemptWebhook(
      { id: delivery.id, url: delivery.url, body: delivery.body, attempt: delivery.attempt },
      { ...this.settings, signal: abort.signal },
    );
    delivery.abort = undefined;
    // Dropped or abandoned at shutdown while in flight: already reported.
    if (!this.pending.has(delivery.id)) return;
    this.settle(delivery, outcome);
  }

  private settle(delivery: Delivery, outcome: AttemptOutcome): void {
    switch (outcome.kind) {
      case 'delivered':
        this.remove(delivery);
        this.emit({ type: 'delivered', ...this.base(delivery), status: outcome.status });
        return;
      case 'retry':
        this.retryOrFail(delivery, outcome.error, outcome.status, outcome.retryAfterMs);
        return;
      case 'refused':
        this.remove(delivery);
        this.fail(delivery, 'refused', outcome.error);
        return;
      case 'rejected':
        this.remove(delivery);
        this.fail(delivery, 'rejected', outcome.error, outcome.status);
        return;
    }
  }

  private retryOrFail(
    delivery: Delivery,
    error: string,
    status: number | undefined,
    retryAfterMs: number | null,
  ): void {
    if (delivery.attempt >= this.settings.maxAttempts) {
      this.remove(delivery);
      this.fail(delivery, 'exhausted', `gave up after ${delivery.attempt} attempts; last: ${error}`, status);
      return;
    }
    const delayMs = retryDelayMs(delivery.attempt, this.settings, retryAfterMs);
    delivery.timer = setTimeout(() => {
      delivery.timer = undefined;
      this.ready.push(delivery);
      this.pump();
    }, delayMs);
    // A retry alone does not hold the process open; close() is the way to wait for it.
    delivery.timer.unref();
    this.emit({ type: 'retrying', ...this.base(delivery), status, error, delayMs });
  }

  /** The oldest delivery not in flight (a request nearly done is the worst to waste), else the oldest. */
  private oldestDroppable(): Delivery {
    // In-flight deliveries are at most maxConcurrent, so this stops after a few steps.
    for (const delivery of this.pending.values()) if (!delivery.abort) return delivery;
    return this.pending.values().next().value as Delivery;
  }

  /** Forgets a delivery wherever it is: waiting, queued or in flight. */
  private remove(delivery: Delivery): void {
    this.pending.delete(delivery.id);
    clearTimeout(delivery.timer);
    delivery.abort?.abort();
    const index = this.ready.indexOf(delivery);
    if (index !== -1) this.ready.splice(index, 1);
    if (this.pending.size === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
  }

  private fail(delivery: Delivery, reason: FailureReason, error: string, status?: number): void {
    this.emit({ type: 'failed', ...this.base(delivery), reason, error, status });
  }

  private drop(delivery: Delivery, why: string): void {
    // A burst past maxPending drops many at once: one warning per interval, counting the rest.
    const now = Date.now();
    if (now - this.lastDropWarning >= DROP_WARNING_INTERVAL_MS) {
      const more = this.dropsSinceWarning > 0 ? ` (${this.dropsSinceWarning} more dropped before this)` : '';
      this.settings.warn(`webhook ${delivery.id} to ${delivery.target} dropped: ${why}${more}`);
      this.lastDropWarning = now;
      this.dropsSinceWarning = 0;
    } else {
      this.dropsSinceWarning++;
    }
    this.emit({ type: 'dropped', ...this.base(delivery), error: why });
  }

  private base(delivery: Delivery): { id: string; target: string; attempt: number; elapsedMs: number } {
    return {
      id: delivery.id,
      target: delivery.target,
      attempt: delivery.attempt,
      elapsedMs: Date.now() - delivery.createdAt,
    };
  }

  private emit(event: WebhookEvent): void {
    if (!this.settings.onEvent) return;
    try {
      this.settings.onEvent(event);
    } catch (error) {
      this.settings.warn(`webhook onEvent handler threw: ${String(error)}`);
    }
  }
}

function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** Options left `undefined` keep their defaults instead of overriding them. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
