import {
  BadRequestException,
  HttpException,
  HttpStatus,
  Injectable,
  PayloadTooLargeException,
} from '@nestjs/common';
import { type AllowedHosts, parseAllowedHosts } from '../../libs/webhooks';
import { fetchMedia, MediaFetchError } from '../../libs/media-fetch';
import { AppConfig } from '../config/app-config';
import { formatBytes } from './upload-errors';

/**
 * audio_url: the API fetches the media into the upload folder while the request waits (so a bad
 * URL, a refused host, an oversized or unreadable body get their 4xx at once, and the job is the
 * same as an upload's), under the webhook guards and MEDIA_URL_ALLOWED_HOSTS, MAX_UPLOAD_BYTES and
 * MEDIA_URL_TIMEOUT_MS. Refusals are 400s naming audio_url, a body over the limit a 413.
 */
@Injectable()
export class MediaUrlFetcher {
  private readonly allowedHosts: AllowedHosts;

  constructor(private readonly config: AppConfig) {
    this.allowedHosts = parseAllowedHosts(config.mediaUrls.allowedHosts);
  }

  get enabled(): boolean {
    return this.allowedHosts.rules.length > 0;
  }

  /** Fetches `url` into `filePath`; its size and file name. Nothing is left behind on failure. */
  async fetch(
    url: string,
    filePath: string,
    signal: AbortSignal,
  ): Promise<{ size: number; fileName: string | null }> {
    try {
      const fetched = await fetchMedia(url, filePath, {
        allowedHosts: this.allowedHosts,
        maxBytes: this.config.upload.maxBytes,
        timeoutMs: this.config.mediaUrls.timeoutMs,
        signal,
      });
      return { size: fetched.bytes, fileName: fetched.fileName };
    } catch (error) {
      throw this.toHttp(error);
    }
  }

  private toHttp(error: unknown): HttpException {
    if (error instanceof MediaFetchError) {
      if (error.reason === 'too-large') {
        return new PayloadTooLargeException(
          `audio_url holds more than the limit of ${formatBytes(this.config.upload.maxBytes)} (MAX_UPLOAD_BYTES)`,
        );
      }
      return new BadRequestException({
        detail: error.message,
        errors: { audio_url: [error.message] },
        reason: error.reason,
      });
    }
    // The upload folder's own failures: the server's fault; never its path.
    const code = (error as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return new HttpException(
        'the server has no room left to store the media; try again later',
        HttpStatus.INSUFFICIENT_STORAGE,
      );
    }
    return new HttpException(
      'the server could not store the fetched media',
      HttpStatus.INTERNAL_SERVER_ERROR,
    );
  }
}
