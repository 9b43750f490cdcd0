import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';

/** RESULT_TTL_MS's default, in seconds: what Swagger shows as delete_after's default. */
const DEFAULT_RETENTION_SECONDS = 3 * 60 * 60;

/** The optional `delete_after` form field (seconds) of POST /transcribe and /diarize. */
export function DeleteAfterField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'integer',
      minimum: 1,
      default: DEFAULT_RETENTION_SECONDS,
      example: 600,
      description:
        'An addition: seconds after the task ends that its result (undelivered) and its GET /tasks ' +
        'entry are kept; at most RESULT_TTL_MS (3 h by default, also the default here), else 400. ' +
        'GET /result tells when a result expires in its X-Result-Expires-At header.',
    }),
    Transform(({ value }: { value: unknown }) => {
      if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
        return undefined;
      }
      if (typeof value === 'number') return value;
      return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    }),
    IsOptional(),
    Min(1, { message: 'delete_after must be at least 1 second' }),
    IsInt({ message: 'delete_after must be a whole number of seconds' }),
  );
}
