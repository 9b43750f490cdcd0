import { BadRequestException, Injectable } from '@nestjs/common';
import {
  type AllowedHosts,
  type CallbackAuthHeader,
  CallbackAuthHeaderError,
  CallbackNotAllowedError,
  checkCallbackAuthHeader,
  checkCallbackUrl,
  parseAllowedHosts,
} from '../../libs/webhooks';
import { AppConfig } from '../config/app-config';

/** The callback fields of an upload form, as sent (the DTOs already checked each one alone). */
export interface CallbackForm {
  callback_url?: string;
  callback_auth_header_name?: string;
  callback_auth_header_value?: string;
}

/** What a job carries once the policy accepted the form's callback fields. */
export interface AcceptedCallback {
  url: string;
  authHeader?: CallbackAuthHeader;
}

const NAME_FIELD = 'callback_auth_header_name';
const VALUE_FIELD = 'callback_auth_header_value';

/** API role: decides whether a request's callback_url may be called (WEBHOOK_ALLOWED_HOSTS). */
@Injectable()
export class CallbackUrlPolicy {
  readonly allowedHosts: AllowedHosts;

  constructor(config: AppConfig) {
    this.allowedHosts = parseAllowedHosts(config.webhooks.allowedHosts);
  }

  /** The callback to store with the job, or undefined when none was given; a 400 naming each bad field. */
  accept(form: CallbackForm): AcceptedCallback | undefined {
    const { callback_url: url, [NAME_FIELD]: name, [VALUE_FIELD]: value } = form;
    if (url === undefined) {
      if (name === undefined && value === undefined) return undefined;
      const fields = [name === undefined ? null : NAME_FIELD, value === undefined ? null : VALUE_FIELD];
      throw fieldErrors(
        Object.fromEntries(fields.filter((f) => f !== null).map((f) => [f, `${f} needs a callback_url`])),
      );
    }
    const accepted: AcceptedCallback = { url: this.acceptUrl(url) };
    try {
      const authHeader = checkCallbackAuthHeader(name, value);
      return authHeader ? { ...accepted, authHeader } : accepted;
    } catch (error) {
      if (!(error instanceof CallbackAuthHeaderError)) throw error;
      const { name: nameProblem, value: valueProblem } = error.problems;
      throw fieldErrors({
        ...(nameProblem ? { [NAME_FIELD]: `${NAME_FIELD} ${nameProblem}` } : {}),
        ...(valueProblem ? { [VALUE_FIELD]: `${VALUE_FIELD} ${valueProblem}` } : {}),
      });
    }
  }

  private acceptUrl(url: string): string {
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

/** The same body as a field validation error (see common/validation.ts), so clients handle both alike. */
function fieldErrors(messages: Record<string, string>): BadRequestException {
  return new BadRequestException({
    detail: Object.values(messages).join('; '),
    errors: Object.fromEntries(Object.entries(messages).map(([field, message]) => [field, [message]])),
  });
}
