export interface BackoffSettings {
  /** Wait after the first failed attempt; doubles after each. */
  baseDelayMs: number;
  /** Longest single wait, also the cap on a receiver's `Retry-After`. */
  maxDelayMs: number;
  /** Each wait is its nominal value times a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffSettings> = Object.freeze({
  baseDelayMs: 2000,
  maxDelayMs: 60_000,
  jitter: 0.2,
});

/**
 * The wait before the attempt after `failedAttempts` failures: exponential with jitter, never shorter
 * than the receiver's `Retry-After` (itself capped at maxDelayMs).
 */
export function retryDelayMs(
  failedAttempts: number,
  settings: BackoffSettings = DEFAULT_BACKOFF,
  retryAfterMs: number | null = null,
): number {
  const { baseDelayMs, maxDelayMs, jitter } = settings;
  const nominal = Math.min(maxDelayMs, baseDelayMs * 2 ** (Math.max(1, failedAttempts) - 1));
  const backoff = Math.min(maxDelayMs, nominal * (1 - jitter + 2 * jitter * Math.random()));
  const delay = retryAfterMs === null ? backoff : Math.max(backoff, Math.min(retryAfterMs, maxDelayMs));
  return Math.round(delay);
}
