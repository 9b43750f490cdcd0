import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';
import { CUSTOM_SPELLING_LIMITS, customSpellingProblem } from '../../../libs/pipeline';
import {
  hotwordsProblem,
  MAX_HOTWORD_CHARS,
  MAX_HOTWORDS,
  MAX_HOTWORDS_PROMPT_BYTES,
} from '../../../libs/speech';

type TransformInput = { value: unknown };

/** The most a custom_spelling field may hold, as sent (the JSON text). */
export const MAX_CUSTOM_SPELLING_CHARS = 20_000;

/** A value the validator reports with its own message (the transform could not read it). */
class Unreadable {
  constructor(readonly problem: string) {}
}

const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * hotwords as a multipart form sends a list: a JSON array (`["Kubernetes","Anthropic"]`), the field
 * repeated (multer gives an array), or one comma-separated string. Blank: none.
 */
const toHotwords = ({ value }: TransformInput): unknown => {
  if (isBlank(value)) return undefined;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item.trim() : item));
  if (typeof value !== 'string') return new Unreadable('must be a list of words');
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return Array.isArray(parsed) ? parsed : new Unreadable('must be a JSON array of strings');
    } catch {
      return new Unreadable('is not valid JSON (a list of words: ["word", ...] or word, word)');
    }
  }
  return text.split(',').map((word) => word.trim());
};

/** custom_spelling: a JSON object in one form field. Blank: none. */
const toCustomSpelling = ({ value }: TransformInput): unknown => {
  if (isBlank(value)) return undefined;
  if (typeof value !== 'string') return new Unreadable('must be a JSON object sent as one field');
  if (value.length > MAX_CUSTOM_SPELLING_CHARS) {
    return new Unreadable(`must be at most ${MAX_CUSTOM_SPELLING_CHARS} characters`);
  }
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return new Unreadable('is not valid JSON (expected {"spelling": ["word", ...]})');
  }
};

function checkedBy(name: string, problemOf: (value: unknown) => string | null): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => !(value instanceof Unreadable) && problemOf(value) === null,
      defaultMessage: (args) => {
        const value: unknown = args?.value;
        const problem = value instanceof Unreadable ? value.problem : problemOf(value);
        return `${name} ${problem ?? 'is invalid'}`;
      },
    },
  });
}

/** `hotwords` of POST /transcribe: words Whisper should expect, put in its prompt. */
export function HotwordsField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: 'array',
      items: { type: 'string', maxLength: MAX_HOTWORD_CHARS },
      maxItems: MAX_HOTWORDS,
      default: [],
      example: ['Kubernetes', 'PostgreSQL', 'Anthropic'],
      description:
        `An addition: up to ${MAX_HOTWORDS} words or short phrases (names, jargon) Whisper should expect, ` +
        `placed in its prompt after initial_prompt and kept there for every 30-s window. Joined they must ` +
        `fit in ${MAX_HOTWORDS_PROMPT_BYTES} UTF-8 bytes (so that they always fit Whisper's 223-token ` +
        'prompt; a long initial_prompt gives way from its beginning). Send a JSON array, the field ' +
        'repeated, or one comma-separated string.',
    }),
    Transform(toHotwords),
    IsOptional(),
    checkedBy('hotwords', (value) =>
      Array.isArray(value) ? hotwordsProblem(value) : 'must be a list of words',
    ),
  );
}

/** `custom_spelling` of POST /transcribe: whole words written the caller's way in every output. */
export function CustomSpellingField(): PropertyDecorator {
  const { maxSpellings, maxWords, maxChars } = CUSTOM_SPELLING_LIMITS;
  return applyDecorators(
    ApiPropertyOptional({
      type: 'string',
      format: 'json',
      default: '{}',
      example: '{"Kubernetes": ["kubernetes", "kubernetis"], "SQL": ["sequel"]}',
      maxLength: MAX_CUSTOM_SPELLING_CHARS,
      description:
        'An addition: a JSON object `{"spelling": ["word", ...]}`. Every whole word listed (matched in ' +
        'any case; never inside a longer word) is written as its spelling, exactly as given, in every ' +
        `output (results, words, srt, vtt, txt, OpenAI shapes). At most ${maxSpellings} spellings, ` +
        `${maxWords} words, ${maxChars} characters each; a word given two spellings is a 400.`,
    }),
    Transform(toCustomSpelling),
    IsOptional(),
    checkedBy('custom_spelling', customSpellingProblem),
  );
}
