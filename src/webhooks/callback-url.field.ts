import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_CALLBACK_URL_LENGTH } from '../../libs/webhooks';

/** The optional `callback_url` form field of POST /transcribe and /diarize. */
export function CallbackUrlField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'string',
      format: 'uri',
      maxLength: MAX_CALLBACK_URL_LENGTH,
      example: 'https://hooks.internal/speech',
      description:
        'An addition: when the task ends the server POSTs `{event, task_id, status, error?, finished_at}` ' +
        'here, signed (X-Webhook-Signature: t=<unix>,v1=<HMAC-SHA256(WEBHOOK_SECRET, "<t>.<body>")>), ' +
        'retried with backoff from a queue in Redis (at least once; X-Webhook-Id is the same on every ' +
        'attempt). Only hosts in WEBHOOK_ALLOWED_HOSTS are accepted (none by default: 400).',
    }),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && value.trim() === '' ? undefined : value,
    ),
    IsOptional(),
    IsString({ message: 'callback_url must be a URL' }),
    MaxLength(MAX_CALLBACK_URL_LENGTH, {
      message: `callback_url must be at most ${MAX_CALLBACK_URL_LENGTH} characters`,
    }),
  );
}
