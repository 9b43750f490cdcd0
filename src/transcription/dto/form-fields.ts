import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_SPEAKER_COUNT } from './transcribe-request.dto';

type TransformInput = { value: unknown };

const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** A whole number from a multipart string; blank stays absent; anything else fails validation. */
const toOptionalInteger = ({ value }: TransformInput): unknown => {
  if (isBlank(value)) return undefined;
  if (typeof value === 'number') return value;
  return typeof value === 'string' && /^\s*[+-]?\d+(\.\d*)?\s*$/.test(value) ? Number(value) : NaN;
};

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** "true"/"false" (also 1/0, yes/no, on/off) from a multipart string; blank is false. */
const toBoolean = ({ value }: TransformInput): unknown => {
  if (isBlank(value)) return false;
  if (typeof value === 'boolean') return value;
  const word = String(value).trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
};

/** An optional speaker count field (speaker_count of /diarize, min_speakers, max_speakers). */
export function OptionalSpeakerCountField(name: string, description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_SPEAKER_COUNT, description }),
    Transform(toOptionalInteger),
    IsOptional(),
    // Nearest the property is checked first (see TranscribeRequestDto): the type check goes last.
    Max(MAX_SPEAKER_COUNT, { message: `${name} must be at most ${MAX_SPEAKER_COUNT}` }),
    Min(1, { message: `${name} must be at least 1` }),
    IsInt({ message: `${name} must be a whole number` }),
  );
}

export function BooleanFlagField(name: string, description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'boolean', default: false, description }),
    Transform(toBoolean),
    // Absent fields are not transformed: absent stays undefined, which means false.
    IsOptional(),
    IsBoolean({ message: `${name} must be true or false` }),
  );
}
