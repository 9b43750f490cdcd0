import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, ValidateBy } from 'class-validator';
import {
  authHeaderNameProblem,
  authHeaderValueProblem,
  MAX_AUTH_HEADER_NAME_LENGTH,
  MAX_AUTH_HEADER_VALUE_LENGTH,
} from '../../libs/webhooks';

const blankToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value === '' ? undefined : value;

/** A form field checked by one of the library's rules, whose message names the field (never the value). */
function CheckedBy(field: string, problem: (value: string) => string | null): PropertyDecorator {
  return ValidateBy({
    name: field,
    validator: {
      validate: (value: unknown) => typeof value === 'string' && problem(value) === null,
      defaultMessage: (args) => `${field} ${problem(String(args?.value)) ?? 'is invalid'}`,
    },
  });
}

/** `callback_auth_header_name` on POST /transcribe and /diarize. */
export function CallbackAuthHeaderNameField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'string',
      maxLength: MAX_AUTH_HEADER_NAME_LENGTH,
      pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
      example: 'Authorization',
      description:
        'An addition (absent by default; needs callback_url and callback_auth_header_value): a header ' +
        'sent with every webhook delivery of this task, beside the signature, e.g. the receiver’s own ' +
        'token. Header-name syntax; Host, Content-Length, Content-Type, User-Agent, Transfer-Encoding, ' +
        'hop-by-hop, Proxy-*, Sec-* and X-Webhook-* names are refused (400).',
    }),
    Transform(blankToUndefined),
    IsOptional(),
    IsString({ message: 'callback_auth_header_name must be a header name' }),
    CheckedBy('callback_auth_header_name', authHeaderNameProblem),
  );
}

/** `callback_auth_header_value`: a secret, stored with the task and sent only to the callback URL. */
export function CallbackAuthHeaderValueField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'string',
      format: 'password',
      maxLength: MAX_AUTH_HEADER_VALUE_LENGTH,
      example: 'Bearer receiver-token-123',
      description:
        'The value of callback_auth_header_name (printable ASCII, no line breaks, at most ' +
        `${MAX_AUTH_HEADER_VALUE_LENGTH} characters). Sent only to callback_url; never logged and never ` +
        'returned by any endpoint.',
    }),
    Transform(blankToUndefined),
    IsOptional(),
    IsString({ message: 'callback_auth_header_value must be a string' }),
    CheckedBy('callback_auth_header_value', authHeaderValueProblem),
  );
}
