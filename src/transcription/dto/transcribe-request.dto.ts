import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { CONTRACT_LANGUAGES } from '../languages';

export const DEFAULT_SPEAKER_COUNT = 2;
export const MAX_SPEAKER_COUNT = 20;
export const DEFAULT_TEMPERATURE = 0;
export const DEFAULT_NO_SPEECH_THRESHOLD = 0.6;
export const DEFAULT_INITIAL_PROMPT = '다음은 한국어 대화입니다.';
export const MAX_INITIAL_PROMPT_CHARS = 1000;

type TransformInput = { value: unknown };

/** Multipart fields arrive as strings; an absent or blank field takes the contract's default. */
const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** Parses a decimal number strictly ("2abc" stays invalid); anything else is left for the validators. */
const toNumber =
  (fallback: number) =>
  ({ value }: TransformInput): unknown => {
    if (isBlank(value)) return fallback;
    if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) {
      return Number(value);
    }
    return typeof value === 'number' ? value : NaN;
  };

/** null, "", "null" and "auto" mean auto-detection; codes are compared in lower case. */
const toLanguage = ({ value }: TransformInput): unknown => {
  if (isBlank(value)) return null;
  if (typeof value !== 'string') return value;
  const code = value.trim().toLowerCase();
  return code === 'null' || code === 'auto' ? null : code;
};

/** The form fields of POST /transcribe besides the file, with the old server's defaults. */
export class TranscribeRequestDto {
  // Optional since audio_url may stand in for it (exactly one of them is required).
  @ApiPropertyOptional({
    type: 'string',
    format: 'binary',
    description: 'The audio or video file (one of the 12 accepted formats)',
  })
  file?: unknown;

  @ApiPropertyOptional({
    type: 'integer',
    default: DEFAULT_SPEAKER_COUNT,
    minimum: 1,
    maximum: MAX_SPEAKER_COUNT,
    example: 2,
    description: 'Number of speakers in the recording',
  })
  @Transform(toNumber(DEFAULT_SPEAKER_COUNT))
  // class-validator checks the decorator nearest the property first; with stopAtFirstError the
  // type check must come last here so that it is reported alone.
  @Max(MAX_SPEAKER_COUNT, { message: `speaker_count must be at most ${MAX_SPEAKER_COUNT}` })
  @Min(1, { message: 'speaker_count must be at least 1' })
  @IsInt({ message: 'speaker_count must be a whole number' })
  speaker_count: number = DEFAULT_SPEAKER_COUNT;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    default: null,
    enum: [...CONTRACT_LANGUAGES],
    // No example: Swagger UI would preselect it, where the contract's default is detection.
    description: 'Whisper language code (e.g. ko, en); empty or absent = detect the language',
  })
  @Transform(toLanguage)
  @IsOptional()
  @IsIn(CONTRACT_LANGUAGES, {
    message: 'language must be a Whisper language code (e.g. en, ko, ja) or empty to detect it',
  })
  language: string | null = null;

  @ApiPropertyOptional({
    type: 'number',
    default: DEFAULT_TEMPERATURE,
    minimum: 0,
    maximum: 1,
    example: 0,
    description: 'Sampling temperature',
  })
  @Transform(toNumber(DEFAULT_TEMPERATURE))
  @Max(1, { message: 'temperature must be between 0 and 1' })
  @Min(0, { message: 'temperature must be between 0 and 1' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'temperature must be a number' })
  temperature: number = DEFAULT_TEMPERATURE;

  @ApiPropertyOptional({
    type: 'number',
    default: DEFAULT_NO_SPEECH_THRESHOLD,
    minimum: 0,
    maximum: 1,
    example: 0.6,
    description: 'Silence detection threshold: segments more likely silent than this are dropped',
  })
  @Transform(toNumber(DEFAULT_NO_SPEECH_THRESHOLD))
  @Max(1, { message: 'no_speech_threshold must be between 0 and 1' })
  @Min(0, { message: 'no_speech_threshold must be between 0 and 1' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'no_speech_threshold must be a number' })
  no_speech_threshold: number = DEFAULT_NO_SPEECH_THRESHOLD;

  @ApiPropertyOptional({
    type: 'string',
    default: DEFAULT_INITIAL_PROMPT,
    maxLength: MAX_INITIAL_PROMPT_CHARS,
    example: DEFAULT_INITIAL_PROMPT,
    description: 'Initial prompt for Whisper (vocabulary, style); an empty string means none',
  })
  @Transform(({ value }: TransformInput) =>
    value === undefined || value === null ? DEFAULT_INITIAL_PROMPT : value,
  )
  @MaxLength(MAX_INITIAL_PROMPT_CHARS, {
    message: `initial_prompt must be at most ${MAX_INITIAL_PROMPT_CHARS} characters`,
  })
  @IsString({ message: 'initial_prompt must be text' })
  initial_prompt: string = DEFAULT_INITIAL_PROMPT;
}
