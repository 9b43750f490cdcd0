/** Fetches client-named media URLs to a local file under the webhook library's outbound guards. */
export { MediaFetchError, type MediaFetchRefusal } from './errors';
export { fetchMedia, type FetchedMedia, type FetchMediaOptions } from './fetch-media';
export { checkMediaUrl, fileNameOf, MAX_MEDIA_URL_LENGTH, type CheckedMediaUrl } from './media-url';
