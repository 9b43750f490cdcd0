/** What the dispatcher reports through `onEvent`, for logs and metrics. */
interface EventBase {
  /** The delivery's id (the `X-Webhook-Id` header), the same across its retries. */
  id: string;
  /** Origin and path of the callback URL; the query is left out, as it may carry a token. */
  target: string;
  /** Attempts made so far (0 when the delivery never got to one). */
  attempt: number;
  /** Milliseconds since `dispatch()`. */
  elapsedMs: number;
}

export interface DeliveredEvent extends EventBase {
  type: 'delivered';
  status: number;
}

export interface RetryingEvent extends EventBase {
  type: 'retrying';
  /** The answer's status, or absent after a network error or timeout. */
  status?: number;
  error: string;
  /** Wait before the next attempt. */
  delayMs: number;
}

/**
 * `refused`: the URL or its resolved address is not allowed (no request was sent to it); `rejected`: the
 * receiver answered a status that is not retried (4xx, 3xx); `exhausted`: every attempt failed; `shutdown`:
 * still pending when `close()`'s grace period ended.
 */
export type FailureReason = 'refused' | 'rejected' | 'exhausted' | 'shutdown';

export interface FailedEvent extends EventBase {
  type: 'failed';
  reason: FailureReason;
  status?: number;
  error: string;
}

/** Pushed out by newer deliveries when too many were pending, or dispatched after `close()`. */
export interface DroppedEvent extends EventBase {
  type: 'dropped';
  error: string;
}

export type WebhookEvent = DeliveredEvent | RetryingEvent | FailedEvent | DroppedEvent;
