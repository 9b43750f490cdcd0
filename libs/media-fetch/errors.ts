/** Why a media URL was not fetched: lets the HTTP layer answer with the right status and message. */
export type MediaFetchRefusal =
  | 'disabled'
  | 'invalid-url'
  | 'scheme'
  | 'credentials'
  | 'host-not-allowed'
  | 'private-address'
  | 'too-many-redirects'
  | 'http-status'
  | 'too-large'
  | 'empty'
  | 'timeout'
  | 'unreachable'
  | 'aborted';

/** A media URL this library will not fetch, or whose fetch failed; `message` is one line for a client. */
export class MediaFetchError extends Error {
  override name = 'MediaFetchError';
  constructor(
    message: string,
    readonly reason: MediaFetchRefusal,
  ) {
    super(message);
  }
}
