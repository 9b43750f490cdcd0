import { type AllowedHosts, type HostMatch, matchAllowedHost } from '../webhooks';
import { MediaFetchError } from './errors';

export const MAX_MEDIA_URL_LENGTH = 2048;

/** A URL that passed the allow-list, and how its host matched (for the address check at connection). */
export interface CheckedMediaUrl {
  url: URL;
  match: HostMatch;
}

/**
 * Checks a client's media URL (or a redirect's target, `what` naming it in messages) against the
 * operator's allow-list: http or https, no credentials, a host some entry covers (IP literals only
 * when listed). Nothing is accepted while the list is empty. Throws MediaFetchError saying why.
 */
export function checkMediaUrl(text: string, allowed: AllowedHosts, what = 'audio_url'): CheckedMediaUrl {
  if (allowed.rules.length === 0) {
    throw new MediaFetchError(
      'audio_url is not accepted: this server fetches media from no host (its allow-list is empty)',
      'disabled',
    );
  }
  if (typeof text !== 'string' || text.length > MAX_MEDIA_URL_LENGTH) {
    throw new MediaFetchError(
      `${what} must be a URL of at most ${MAX_MEDIA_URL_LENGTH} characters`,
      'invalid-url',
    );
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MediaFetchError(`${what} is not a valid absolute URL`, 'invalid-url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MediaFetchError(`${what} must use http or https, not ${url.protocol.slice(0, -1)}`, 'scheme');
  }
  if (url.username !== '' || url.password !== '') {
    throw new MediaFetchError(`${what} must not contain a user name or password`, 'credentials');
  }
  const match = matchAllowedHost(allowed, url);
  if (!match) {
    throw new MediaFetchError(
      `${what} host ${url.host} is not among this server's allowed media hosts`,
      'host-not-allowed',
    );
  }
  return { url, match };
}

/** The URL path's last segment, decoded: the file name a task list shows. Null when there is none. */
export function fileNameOf(url: URL): string | null {
  const segment = url.pathname.split('/').pop() ?? '';
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    name = segment;
  }
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean === '' ? null : clean.slice(0, 255);
}
