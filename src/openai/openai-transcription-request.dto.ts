import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_INITIAL_PROMPT_CHARS, MAX_SPEAKER_COUNT } from '../transcription/dto/transcribe-request.dto';
import { CONTRACT_LANGUAGES } from '../transcription/languages';
import { AudioUrlField } from '../upload/audio-url.field';
import {
  OPENAI_RESPONSE_FORMATS,
  type OpenAiResponseFormat,
  TIMESTAMP_GRANULARITIES,
  type TimestampGranularity,
} from './openai-response';

const blank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const strictNumber = ({ value }: { value: unknown }): unknown => {
  if (blank(value)) return undefined;
  if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value))
    return Number(value);
  return typeof value === 'number' ? value : NaN;
};

/** Multer gives `timestamp_granularities[]=word` as an array; a single plain field is accepted too. */
const toList = ({ value }: { value: unknown }): unknown => {
  if (blank(value)) return undefined;
  return Array.isArray(value) ? value : [value];
};

/**
 * The form of OpenAI's POST /v1/audio/transcriptions, as its SDKs send it. `model` is accepted and
 * ignored: this server transcribes with the one Whisper model its workers loaded.
 */
export class OpenAiTranscriptionRequestDto {
  // Optional since audio_url may stand in for it (exactly one of them is required).
  @ApiPropertyOptional({ type: 'string', format: 'binary', description: 'The audio or video file' })
  file?: unknown;

  @AudioUrlField()
  audio_url?: string;

  @ApiPropertyOptional({
    type: 'string',
    example: 'whisper-1',
    description:
      'Accepted for compatibility and ignored: the workers use the Whisper model they loaded ' +
      '(WHISPER_MODEL_PATH), whatever the name (whisper-1, gpt-4o-transcribe, ...).',
  })
  @IsOptional()
  @IsString({ message: 'model must be a string' })
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({ type: 'string', description: 'ISO-639-1 code (Whisper languages); absent = detect' })
  @Transform(({ value }: { value: unknown }) =>
    blank(value) ? undefined : typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsOptional()
  @IsIn(CONTRACT_LANGUAGES, { message: 'language must be a Whisper language code (e.g. en, ko, ja)' })
  language?: string;

  @ApiPropertyOptional({ type: 'string', maxLength: MAX_INITIAL_PROMPT_CHARS, description: 'Initial prompt' })
  @IsOptional()
  @IsString({ message: 'prompt must be text' })
  @MaxLength(MAX_INITIAL_PROMPT_CHARS, {
    message: `prompt must be at most ${MAX_INITIAL_PROMPT_CHARS} characters`,
  })
  prompt?: string;

  @ApiPropertyOptional({ type: 'number', minimum: 0, maximum: 1, default: 0 })
  @Transform(strictNumber)
  @IsOptional()
  @Max(1, { message: 'temperature must be between 0 and 1' })
  @Min(0, { message: 'temperature must be between 0 and 1' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'temperature must be a number' })
  temperature?: number;

  @ApiPropertyOptional({ enum: OPENAI_RESPONSE_FORMATS, default: 'json' })
  @Transform(({ value }: { value: unknown }) => (blank(value) ? undefined : value))
  @IsOptional()
  @IsIn(OPENAI_RESPONSE_FORMATS, {
    message: `response_format must be one of ${OPENAI_RESPONSE_FORMATS.join(', ')}`,
  })
  response_format?: OpenAiResponseFormat;

  @ApiPropertyOptional({
    name: 'timestamp_granularities[]',
    type: 'array',
    items: { type: 'string', enum: [...TIMESTAMP_GRANULARITIES] },
    description: 'verbose_json only: `segment` (default), `word`, or both',
  })
  @Transform(toList)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2)
  @IsIn(TIMESTAMP_GRANULARITIES, {
    each: true,
    message: 'timestamp_granularities[] items must be word or segment',
  })
  timestamp_granularities?: TimestampGranularity[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_SPEAKER_COUNT,
    description: 'An addition: the exact number of speakers; absent = automatic',
  })
  @Transform(strictNumber)
  @IsOptional()
  @Max(MAX_SPEAKER_COUNT, { message: `speaker_count must be at most ${MAX_SPEAKER_COUNT}` })
  @Min(1, { message: 'speaker_count must be at least 1' })
  @IsInt({ message: 'speaker_count must be a whole number' })
  speaker_count?: number;
}
