import { deflateSync } from 'node:zlib';
import { formatSrt, formatVtt, type TranscriptEntry } from '../../libs/formats';
import type { ResultEntry } from '../../libs/pipeline';
import { type Segment, WHISPER_LANGUAGE_NAMES } from '../../libs/speech';

/**
 * Our finished transcription, mapped to the response shapes of OpenAI's POST /v1/audio/transcriptions, so
 * that OpenAI SDK clients work against this server by changing only the base URL. Pure functions: the HTTP
 * layer picks the format and writes `body` with `contentType`.
 */

export const OPENAI_RESPONSE_FORMATS = [
  'json',
  'text',
  'srt',
  'verbose_json',
  'vtt',
  'diarized_json',
] as const;
export type OpenAiResponseFormat = (typeof OPENAI_RESPONSE_FORMATS)[number];

export const TIMESTAMP_GRANULARITIES = ['word', 'segment'] as const;
export type TimestampGranularity = (typeof TIMESTAMP_GRANULARITIES)[number];

export function isOpenAiResponseFormat(value: unknown): value is OpenAiResponseFormat {
  return typeof value === 'string' && (OPENAI_RESPONSE_FORMATS as readonly string[]).includes(value);
}

/** What a finished job gives this module: the contract's result entries plus Whisper's own segments. */
export interface OpenAiTranscriptionInput {
  /** Whisper language code, requested or detected (`en`, `ko`). */
  language: string;
  durationSeconds: number;
  /** The contract's result entries: speakers from 0 in order of first appearance. */
  utterances: ResultEntry[];
  /** Whisper's segments, with their text as Whisper wrote it (usually a leading space). */
  segments: Segment[];
  /** The transcript's warnings (a partial decode); the JSON formats carry them when there are any. */
  warnings?: readonly string[];
}

export interface OpenAiRenderOptions {
  /** `timestamp_granularities[]`; default `['segment']`, as OpenAI's. Only verbose_json uses it. */
  timestampGranularities?: readonly TimestampGranularity[];
  /** The request's temperature, reported on each verbose_json segment. Default 0. */
  temperature?: number;
  /** `[SPEAKER 0]` / `<v Speaker 0>` in srt and vtt, as GET /result gives them. Default true. */
  speakerLabels?: boolean;
}

/**
 * Our addition to the JSON formats, as OpenAI-compatible servers add theirs (an extra top-level
 * key, which the SDKs pass through): present only when there is something to say.
 */
export interface OpenAiWarnings {
  warnings?: string[];
}

/** OpenAI bills audio by whole seconds; the SDK types this usage variant `duration`. */
export interface OpenAiDurationUsage {
  type: 'duration';
  seconds: number;
}

export interface OpenAiJsonResponse extends OpenAiWarnings {
  text: string;
  usage: OpenAiDurationUsage;
}

export interface OpenAiVerboseSegment {
  id: number;
  seek: number;
  start: number;
  end: number;
  text: string;
  tokens: number[];
  temperature: number;
  avg_logprob: number;
  compression_ratio: number;
  no_speech_prob: number;
}

export interface OpenAiWord {
  word: string;
  start: number;
  end: number;
}

export interface OpenAiVerboseResponse extends OpenAiWarnings {
  task: 'transcribe';
  language: string;
  duration: number;
  text: string;
  segments?: OpenAiVerboseSegment[];
  words?: OpenAiWord[];
  usage: OpenAiDurationUsage;
}

export interface OpenAiDiarizedSegment {
  type: 'transcript.text.segment';
  id: string;
  start: number;
  end: number;
  text: string;
  speaker: string;
}

export interface OpenAiDiarizedResponse extends OpenAiWarnings {
  task: 'transcribe';
  duration: number;
  text: string;
  segments: OpenAiDiarizedSegment[];
  usage: OpenAiDurationUsage;
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface RenderedOpenAiResponse {
  contentType: string;
  /** A string for text, srt and vtt; an object to serialize as JSON otherwise. */
  body: string | OpenAiJsonResponse | OpenAiVerboseResponse | OpenAiDiarizedResponse;
}

const JSON_TYPE = 'application/json; charset=utf-8';
// OpenAI answers text, srt and vtt as text/plain; the SDK returns any non-JSON body as a string.
const TEXT_TYPE = 'text/plain; charset=utf-8';

/** One entry point for the controller. */
export function renderOpenAiResponse(
  input: OpenAiTranscriptionInput,
  format: OpenAiResponseFormat,
  options: OpenAiRenderOptions = {},
): RenderedOpenAiResponse {
  switch (format) {
    case 'json':
      return { contentType: JSON_TYPE, body: toOpenAiJson(input) };
    case 'text':
      return { contentType: TEXT_TYPE, body: toOpenAiText(input) };
    case 'srt':
    case 'vtt':
      return { contentType: TEXT_TYPE, body: toOpenAiSubtitles(input, format, options) };
    case 'verbose_json':
      return { contentType: JSON_TYPE, body: toOpenAiVerboseJson(input, options) };
    case 'diarized_json':
      return { contentType: JSON_TYPE, body: toOpenAiDiarizedJson(input) };
  }
}

/**
 * The whole transcript: Whisper's segment texts concatenated (each carries its own leading space where the
 * language uses spaces, none in CJK), as openai-whisper builds it; the result entries where there are no
 * segments.
 */
export function transcriptText(input: OpenAiTranscriptionInput): string {
  const text =
    input.segments.length > 0
      ? input.segments.map((segment) => segment.text).join('')
      : input.utterances.map((utterance) => utterance.text.trim()).join(' ');
  return text.replace(/\s+/g, ' ').trim();
}

const usage = (input: OpenAiTranscriptionInput): OpenAiDurationUsage => ({
  type: 'duration',
  seconds: Math.ceil(Math.max(0, input.durationSeconds)),
});

const warnings = (input: OpenAiTranscriptionInput): OpenAiWarnings =>
  input.warnings && input.warnings.length > 0 ? { warnings: [...input.warnings] } : {};

export function toOpenAiJson(input: OpenAiTranscriptionInput): OpenAiJsonResponse {
  return { text: transcriptText(input), usage: usage(input), ...warnings(input) };
}

/** `response_format=text`: the transcript and a final newline. */
export function toOpenAiText(input: OpenAiTranscriptionInput): string {
  const text = transcriptText(input);
  return text === '' ? '' : `${text}\n`;
}

/** srt and vtt from the speaker-attributed entries, cut into cues exactly as GET /result?format= does. */
export function toOpenAiSubtitles(
  input: OpenAiTranscriptionInput,
  format: 'srt' | 'vtt',
  options: OpenAiRenderOptions = {},
): string {
  const entries: TranscriptEntry[] = input.utterances;
  const cueOptions = { speakerLabels: options.speakerLabels !== false };
  return format === 'srt' ? formatSrt(entries, cueOptions) : formatVtt(entries, cueOptions);
}

/** OpenAI reports the language by its English name in lower case (`english`), as openai-whisper does. */
export function languageName(code: string): string {
  const lower = code.trim().toLowerCase();
  return WHISPER_LANGUAGE_NAMES[lower] ?? lower;
}

export function toOpenAiVerboseJson(
  input: OpenAiTranscriptionInput,
  options: OpenAiRenderOptions = {},
): OpenAiVerboseResponse {
  const granularities = options.timestampGranularities?.length ? options.timestampGranularities : ['segment'];
  const temperature = options.temperature ?? 0;
  const response: OpenAiVerboseResponse = {
    task: 'transcribe',
    language: languageName(input.language),
    duration: input.durationSeconds,
    text: transcriptText(input),
    usage: usage(input),
  };
  if (granularities.includes('segment')) {
    response.segments = input.segments.map((segment, id) => ({
      id,
      // whisper.cpp does not report the offset of the 30-s window it decoded a segment in; the segment's own
      // start, in the same 10-ms mel frames, is the closest honest value.
      seek: Math.floor(segment.start * 100),
      start: segment.start,
      end: segment.end,
      text: segment.text,
      // Token ids are model internals that no client of this server can use.
      tokens: [],
      temperature,
      // Whisper's own, from its token probabilities; results stored before it was kept: from the words.
      avg_logprob: segment.avgLogprob ?? averageLogProbability(segment.words),
      compression_ratio: compressionRatio(segment.text),
      no_speech_prob: segment.noSpeechProb,
    }));
  }
  if (granularities.includes('word')) {
    response.words = input.segments.flatMap((segment) =>
      segment.words
        .map((word) => ({ word: word.word.trim(), start: word.start, end: word.end }))
        .filter((word) => word.word !== ''),
    );
  }
  return { ...response, ...warnings(input) };
}

/** Mean natural log of the words' probabilities: the stand-in where Whisper's token average was not kept. 0 when unknown. */
export function averageLogProbability(words: readonly { probability: number }[]): number {
  const known = words.filter((word) => Number.isFinite(word.probability));
  if (known.length === 0) return 0;
  const sum = known.reduce(
    (total, word) => total + Math.log(Math.min(1, Math.max(1e-10, word.probability))),
    0,
  );
  return sum / known.length;
}

/** openai-whisper's definition: UTF-8 length over zlib-compressed length (zlib's default level, as Python's). */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length / deflateSync(bytes).length;
}

/** OpenAI labels diarized speakers A, B, ... Z, then AA, AB, ... like spreadsheet columns. */
export function speakerLetter(speaker: number): string {
  let n = speaker;
  let label = '';
  do {
    label = String.fromCharCode(65 + (n % 26)) + label;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return label;
}

/** `diarized_json`: one segment per result entry, speaker 0 being `A`, the same speakers as GET /result. */
export function toOpenAiDiarizedJson(input: OpenAiTranscriptionInput): OpenAiDiarizedResponse {
  return {
    task: 'transcribe',
    duration: input.durationSeconds,
    text: transcriptText(input),
    segments: input.utterances.map((utterance, index) => ({
      type: 'transcript.text.segment',
      id: `seg_${index}`,
      start: utterance.start,
      end: utterance.end,
      text: utterance.text.trim(),
      speaker: speakerLetter(utterance.speaker),
    })),
    usage: usage(input),
    ...warnings(input),
  };
}

export interface OpenAiErrorOptions {
  type?: string;
  param?: string | null;
  code?: string | null;
}

/**
 * The error body OpenAI clients parse (the SDK turns it into an APIError with `type`, `param`, `code`).
 * The type follows OpenAI's: `server_error` for 5xx, `requests` with code `rate_limit_exceeded` for 429,
 * `invalid_request_error` otherwise (with code `invalid_api_key` for 401).
 */
export function openAiError(
  status: number,
  message: string,
  options: OpenAiErrorOptions = {},
): OpenAiErrorBody {
  const defaults: Required<OpenAiErrorOptions> =
    status >= 500
      ? { type: 'server_error', param: null, code: null }
      : status === 429
        ? { type: 'requests', param: null, code: 'rate_limit_exceeded' }
        : status === 401
          ? { type: 'invalid_request_error', param: null, code: 'invalid_api_key' }
          : { type: 'invalid_request_error', param: null, code: null };
  return {
    error: {
      message,
      type: options.type ?? defaults.type,
      param: options.param === undefined ? defaults.param : options.param,
      code: options.code === undefined ? defaults.code : options.code,
    },
  };
}
