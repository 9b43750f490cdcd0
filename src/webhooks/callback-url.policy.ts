import { BadRequestException, Injectable } from '@nestjs/common';
import {
  type AllowedHosts,
  CallbackNotAllowedError,
  checkCallbackUrl,
  parseAllowedHosts,
} from '../../libs/webhooks';
import { AppConfig } from '../config/app-config';

/** API role: decides whether a request's callback_url may be called (WEBHOOK_ALLOWED_HOSTS). */
@Injectable()
export class CallbackUrlPolicy {
  readonly allowedHosts: AllowedHosts;

  constructor(config: AppConfig) {
    this.allowedHosts = parseAllowedHosts(config.webhooks.allowedHosts);
  }

  /** The URL to store with the job, or undefined when none was given; a 400 when refused. */
  accept(url: string | undefined): string | undefined {
    if (url === undefined) return undefined;
    try {
      return checkCallbackUrl(url, this.allowedHosts).href;
    } catch (error) {
      if (error instanceof CallbackNotAllowedError) {
        throw new BadRequestException({
          detail: error.message,
          errors: { callback_url: [error.message] },
          reason: error.reason,
        });
      }
      throw error;
    }
  }
}
