/** Signed, retried, non-blocking webhook delivery to an operator-approved set of hosts. */
export {
  checkCallbackUrl,
  isAddressAllowed,
  matchAllowedHost,
  MAX_CALLBACK_URL_LENGTH,
  parseAllowedHosts,
  type AllowedHostRule,
  type AllowedHosts,
  type HostMatch,
} from './allowed-hosts';
export {
  AllowedHostsSpecError,
  CallbackNotAllowedError,
  WebhookConfigError,
  WebhookError,
  type CallbackRefusal,
} from './errors';
export { systemResolve } from './guarded-lookup';
export { canonicalAddress, isPublicAddress, nonPublicAddressKind } from './ip-address';
export { SIGNATURE_HEADER, SIGNATURE_SCHEME, signWebhook, verifyWebhookSignature } from './signature';
export {
  WebhookDispatcher,
  type CloseResult,
  type WebhookDispatcherOptions,
  type WebhookRequest,
} from './dispatcher';
export type {
  DeliveredEvent,
  DroppedEvent,
  FailedEvent,
  FailureReason,
  RetryingEvent,
  WebhookEvent,
} from './events';
export type { ResolveHost } from './guarded-lookup';
export {
  attemptWebhook,
  WEBHOOK_ATTEMPT_HEADER,
  WEBHOOK_ID_HEADER,
  type AttemptOutcome,
  type AttemptSettings,
  type WebhookAttempt,
} from './attempt';
export { DEFAULT_BACKOFF, retryDelayMs, type BackoffSettings } from './backoff';
export {
  authHeaderNameProblem,
  authHeaderValueProblem,
  CallbackAuthHeaderError,
  checkCallbackAuthHeader,
  MAX_AUTH_HEADER_NAME_LENGTH,
  MAX_AUTH_HEADER_VALUE_LENGTH,
  type AuthHeaderField,
  type CallbackAuthHeader,
} from './auth-header';
// The outbound guards, for other fetches of client-named URLs (libs/media-fetch).
export { guardedLookup } from './guarded-lookup';
export { defaultPort } from './allowed-hosts';
export { taskWebhookPayload, type TaskOutcome, type TaskWebhookPayload } from './task-payload';
