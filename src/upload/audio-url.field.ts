import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_MEDIA_URL_LENGTH } from '../../libs/media-fetch';

/**
 * The optional `audio_url` form field of the upload routes. AudioUploadInterceptor reads and fetches
 * it before validation; declared here for Swagger and so that validation keeps it.
 */
export function AudioUrlField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'string',
      format: 'uri',
      maxLength: MAX_MEDIA_URL_LENGTH,
      default: null,
      example: 'https://media.example.com/calls/2026-11-29.mp3',
      description:
        "An addition: the media's URL instead of `file` (not both: 400). The server fetches it at once " +
        '(hosts in MEDIA_URL_ALLOWED_HOSTS only, none by default: 400; private addresses only when listed; ' +
        'redirects checked again; MAX_UPLOAD_BYTES else 413; MEDIA_URL_TIMEOUT_MS) and checks it as an ' +
        'upload (415 for other content).',
    }),
    IsOptional(),
    IsString({ message: 'audio_url must be a URL' }),
    MaxLength(MAX_MEDIA_URL_LENGTH, {
      message: `audio_url must be at most ${MAX_MEDIA_URL_LENGTH} characters`,
    }),
  );
}
