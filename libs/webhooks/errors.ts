/** Base class of the webhook library's errors; `message` is one line meant for a person. */
export class WebhookError extends Error {
  override name = 'WebhookError';
}

/** Why a callback URL was refused; lets the HTTP layer answer 400 with a precise message. */
export type CallbackRefusal =
  'disabled' | 'invalid-url' | 'scheme' | 'credentials' | 'host-not-allowed' | 'private-address';

/** A callback URL (or the address its host resolves to) that this server will not call. */
export class CallbackNotAllowedError extends WebhookError {
  override name = 'CallbackNotAllowedError';
  constructor(
    message: string,
    readonly reason: CallbackRefusal,
  ) {
    super(message);
  }
}

/** The allow-list configuration itself is malformed; meant to stop the server at startup. */
export class AllowedHostsSpecError extends WebhookError {
  override name = 'AllowedHostsSpecError';
  constructor(
    readonly entry: string,
    why: string,
  ) {
    super(`invalid callback allow-list entry "${entry}": ${why}`);
  }
}

/** A dispatcher option out of range (e.g. an empty signing secret). */
export class WebhookConfigError extends WebhookError {
  override name = 'WebhookConfigError';
}
