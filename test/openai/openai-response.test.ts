import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APIError, AuthenticationError, BadRequestError, RateLimitError } from 'openai';
import type {
  Transcription,
  TranscriptionDiarized,
  TranscriptionDiarizedSegment,
  TranscriptionSegment,
  TranscriptionVerbose,
  TranscriptionWord,
} from 'openai/resources/audio/transcriptions';
import {
  averageLogProbability,
  compressionRatio,
  isOpenAiResponseFormat,
  languageName,
  openAiError,
  renderOpenAiResponse,
  speakerLetter,
  toOpenAiDiarizedJson,
  toOpenAiJson,
  toOpenAiSubtitles,
  toOpenAiText,
  toOpenAiVerboseJson,
  type OpenAiDiarizedResponse,
  type OpenAiDiarizedSegment,
  type OpenAiJsonResponse,
  type OpenAiTranscriptionInput,
  type OpenAiVerboseResponse,
  type OpenAiVerboseSegment,
  type OpenAiWord,
} from '../../src/openai/openai-response';
import { readSrt, readVtt } from '../formats/subtitle-parsers';

// Compile-time checks (tsc fails the build if a shape drifts from the openai package's types): ours must be
// assignable to theirs, and must not carry keys theirs lack. The exceptions are verbose_json's `task`,
// which OpenAI's API does return (and our brief asks for) though the SDK's type leaves it out, and our
// own addition `warnings` (present only when a result needs one; the SDK passes unknown keys through).
type NoExtraKeys<Ours, Theirs> = [Exclude<keyof Ours, keyof Theirs>] extends [never] ? true : false;
const shapeChecks: [
  NoExtraKeys<Omit<OpenAiJsonResponse, 'warnings'>, Transcription>,
  NoExtraKeys<Omit<OpenAiVerboseResponse, 'task' | 'warnings'>, TranscriptionVerbose>,
  NoExtraKeys<OpenAiVerboseSegment, TranscriptionSegment>,
  NoExtraKeys<OpenAiWord, TranscriptionWord>,
  NoExtraKeys<Omit<OpenAiDiarizedResponse, 'warnings'>, TranscriptionDiarized>,
  NoExtraKeys<OpenAiDiarizedSegment, TranscriptionDiarizedSegment>,
] = [true, true, true, true, true, true];

/** Two speakers; Whisper's two segments do not line up with the speaker turns, as in real output. */
const input: OpenAiTranscriptionInput = {
  language: 'en',
  durationSeconds: 7.25,
  segments: [
    {
      start: 0.5,
      end: 3.2,
      text: ' Hello there, how are you doing today?',
      noSpeechProb: 0.02,
      words: [
        { word: ' Hello', start: 0.5, end: 0.9, probability: 0.9 },
        { word: ' there,', start: 0.9, end: 1.3, probability: 0.8 },
        { word: ' how', start: 1.6, end: 1.9, probability: 0.95 },
        { word: ' are', start: 1.9, end: 2.1, probability: 0.99 },
        { word: ' you', start: 2.1, end: 2.4, probability: 0.97 },
        { word: ' doing', start: 2.4, end: 2.8, probability: 0.6 },
        { word: ' today?', start: 2.8, end: 3.2, probability: 0.7 },
      ],
    },
    {
      start: 3.6,
      end: 5.0,
      text: ' Fine, thanks.',
      noSpeechProb: 0.1,
      words: [
        { word: ' Fine,', start: 3.6, end: 4.1, probability: 0.5 },
        { word: ' thanks.', start: 4.2, end: 5.0, probability: 0.4 },
      ],
    },
  ],
  utterances: [
    { speaker: 0, start: 0.5, end: 1.3, text: ' Hello there,' },
    { speaker: 1, start: 1.6, end: 3.2, text: ' how are you doing today?' },
    { speaker: 0, start: 3.6, end: 5.0, text: ' Fine, thanks.' },
  ],
};

const emptyInput: OpenAiTranscriptionInput = {
  language: 'ko',
  durationSeconds: 3,
  segments: [],
  utterances: [],
};

describe('OpenAI transcription shapes', () => {
  test('json: {text, usage}, typed as the SDK types it', () => {
    const json: Transcription = toOpenAiJson(input);
    assert.deepEqual(json, {
      text: 'Hello there, how are you doing today? Fine, thanks.',
      usage: { type: 'duration', seconds: 8 },
    });
    assert.ok(shapeChecks.every(Boolean));
    assert.deepEqual(toOpenAiJson(emptyInput), { text: '', usage: { type: 'duration', seconds: 3 } });
  });

  test('text: the transcript and a newline', () => {
    assert.equal(toOpenAiText(input), 'Hello there, how are you doing today? Fine, thanks.\n');
    assert.equal(toOpenAiText(emptyInput), '');
  });

  test('CJK segments are joined without inserted spaces', () => {
    const cjk: OpenAiTranscriptionInput = {
      ...emptyInput,
      segments: [
        { start: 0, end: 1, text: '東京へ', noSpeechProb: 0, words: [] },
        { start: 1, end: 2, text: '行きます。', noSpeechProb: 0, words: [] },
      ],
    };
    assert.equal(toOpenAiJson(cjk).text, '東京へ行きます。');
  });

  test('verbose_json with segment timestamps (the default)', () => {
    const verbose: TranscriptionVerbose = toOpenAiVerboseJson(input, { temperature: 0.2 });
    assert.equal(verbose.language, 'english');
    assert.equal(verbose.duration, 7.25);
    assert.equal(verbose.text, 'Hello there, how are you doing today? Fine, thanks.');
    assert.equal(verbose.words, undefined, 'words only when asked for');
    const segments: TranscriptionSegment[] = verbose.segments ?? [];
    assert.equal(segments.length, 2);
    const [first, second] = segments;
    assert.deepEqual(
      { ...first, avg_logprob: undefined, compression_ratio: undefined },
      {
        id: 0,
        seek: 50,
        start: 0.5,
        end: 3.2,
        text: ' Hello there, how are you doing today?',
        tokens: [],
        temperature: 0.2,
        avg_logprob: undefined,
        compression_ratio: undefined,
        no_speech_prob: 0.02,
      },
    );
    assert.equal(second.id, 1);
    assert.equal(second.seek, 360);
    // Python: len(b' Hello there, how are you doing today?') / len(zlib.compress(...)) = 38 / 46.
    assert.equal(first.compression_ratio, 38 / 46);
    const expectedLogprob = (Math.log(0.5) + Math.log(0.4)) / 2;
    assert.ok(Math.abs(second.avg_logprob - expectedLogprob) < 1e-12);
    assert.ok(first.avg_logprob > second.avg_logprob, 'surer words give a higher average');
  });

  test('verbose_json words when timestamp_granularities includes word', () => {
    const wordsOnly: TranscriptionVerbose = toOpenAiVerboseJson(input, { timestampGranularities: ['word'] });
    assert.equal(wordsOnly.segments, undefined);
    const words: TranscriptionWord[] = wordsOnly.words ?? [];
    assert.deepEqual(
      words.map((w) => w.word),
      ['Hello', 'there,', 'how', 'are', 'you', 'doing', 'today?', 'Fine,', 'thanks.'],
    );
    assert.deepEqual(words[6], { word: 'today?', start: 2.8, end: 3.2 });
    const both = toOpenAiVerboseJson(input, { timestampGranularities: ['word', 'segment'] });
    assert.equal(both.segments?.length, 2);
    assert.equal(both.words?.length, 9);
  });

  test('diarized_json: one segment per result entry, speakers A, B in first-appearance order', () => {
    const diarized: TranscriptionDiarized = toOpenAiDiarizedJson(input);
    assert.equal(diarized.task, 'transcribe');
    assert.equal(diarized.duration, 7.25);
    assert.equal(diarized.text, 'Hello there, how are you doing today? Fine, thanks.');
    const segments: TranscriptionDiarizedSegment[] = diarized.segments;
    assert.deepEqual(segments, [
      {
        type: 'transcript.text.segment',
        id: 'seg_0',
        start: 0.5,
        end: 1.3,
        text: 'Hello there,',
        speaker: 'A',
      },
      {
        type: 'transcript.text.segment',
        id: 'seg_1',
        start: 1.6,
        end: 3.2,
        text: 'how are you doing today?',
        speaker: 'B',
      },
      {
        type: 'transcript.text.segment',
        id: 'seg_2',
        start: 3.6,
        end: 5.0,
        text: 'Fine, thanks.',
        speaker: 'A',
      },
    ]);
    assert.deepEqual(diarized.usage, { type: 'duration', seconds: 8 });
  });

  test('srt and vtt parse back with the speakers and the text of each entry', () => {
    const srt = readSrt(toOpenAiSubtitles(input, 'srt'));
    const vtt = readVtt(toOpenAiSubtitles(input, 'vtt'));
    for (const cues of [srt, vtt]) {
      assert.deepEqual(
        cues.map(({ startMs, endMs, speaker, text }) => ({ startMs, endMs, speaker, text })),
        [
          { startMs: 500, endMs: 1300, speaker: 0, text: 'Hello there,' },
          { startMs: 1600, endMs: 3200, speaker: 1, text: 'how are you doing today?' },
          { startMs: 3600, endMs: 5000, speaker: 0, text: 'Fine, thanks.' },
        ],
      );
    }
    const plain = readSrt(toOpenAiSubtitles(input, 'srt', { speakerLabels: false }));
    assert.deepEqual(
      plain.map((cue) => cue.speaker),
      [null, null, null],
    );
  });

  test('renderOpenAiResponse picks body and content type per response_format', () => {
    const cases = {
      json: 'application/json',
      verbose_json: 'application/json',
      diarized_json: 'application/json',
      text: 'text/plain',
      srt: 'text/plain',
      vtt: 'text/plain',
    } as const;
    for (const [format, mediaType] of Object.entries(cases)) {
      assert.ok(isOpenAiResponseFormat(format));
      const rendered = renderOpenAiResponse(input, format, { timestampGranularities: ['word'] });
      assert.equal(rendered.contentType.split(';')[0], mediaType, format);
      assert.equal(typeof rendered.body === 'string', mediaType === 'text/plain', format);
    }
    assert.ok((renderOpenAiResponse(input, 'vtt').body as string).startsWith('WEBVTT'));
    assert.deepEqual(renderOpenAiResponse(input, 'verbose_json', { timestampGranularities: ['word'] }).body, {
      ...toOpenAiVerboseJson(input, { timestampGranularities: ['word'] }),
    });
    assert.equal(isOpenAiResponseFormat('xml'), false);
    assert.equal(isOpenAiResponseFormat(undefined), false);
  });

  test('warnings: a top-level key of the JSON formats when there are any, absent otherwise', () => {
    const warning = 'decoded 17.6 s of the 29.4 s the file declares: the rest is missing or damaged';
    const warned = { ...input, warnings: [warning] };
    for (const format of ['json', 'verbose_json', 'diarized_json'] as const) {
      const body = renderOpenAiResponse(warned, format).body as { warnings?: string[] };
      assert.deepEqual(body.warnings, [warning], format);
      const plain = renderOpenAiResponse({ ...input, warnings: [] }, format).body as object;
      assert.equal('warnings' in plain, false, `${format}: no key without warnings`);
    }
    // Text formats have no place for them: the same text either way.
    assert.equal(renderOpenAiResponse(warned, 'srt').body, renderOpenAiResponse(input, 'srt').body);
  });
});

describe('helpers', () => {
  test('language names as OpenAI writes them', () => {
    assert.equal(languageName('en'), 'english');
    assert.equal(languageName('KO'), 'korean');
    assert.equal(languageName('yue'), 'cantonese');
    assert.equal(languageName('xx'), 'xx', 'unknown codes pass through');
  });

  test('speaker letters continue past Z like spreadsheet columns', () => {
    assert.deepEqual([0, 1, 25, 26, 27, 51, 52, 701, 702].map(speakerLetter), [
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
  });

  test('compression ratio matches openai-whisper (Python zlib) on repetitive text', () => {
    // Python: len(b' ' + b'ha ' * 40) / len(zlib.compress(...)) = 121 / 14, well above Whisper's 2.4 limit.
    assert.equal(compressionRatio(` ${'ha '.repeat(40)}`), 121 / 14);
    assert.equal(compressionRatio(''), 0);
  });

  test('average log probability: unknown is 0, zero probabilities stay finite', () => {
    assert.equal(averageLogProbability([]), 0);
    assert.ok(Number.isFinite(averageLogProbability([{ probability: 0 }])));
    assert.ok(
      Math.abs(averageLogProbability([{ probability: 1 }, { probability: Math.E ** -2 }]) + 1) < 1e-12,
    );
  });
});

describe('OpenAI error bodies', () => {
  const headers = new Headers();

  test('the SDK reads message, type, param and code from them', () => {
    const body = openAiError(400, 'response_format must be one of json, text', { param: 'response_format' });
    assert.deepEqual(body, {
      error: {
        message: 'response_format must be one of json, text',
        type: 'invalid_request_error',
        param: 'response_format',
        code: null,
      },
    });
    const error = APIError.generate(400, body, undefined, headers);
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.message, '400 response_format must be one of json, text');
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.param, 'response_format');
    assert.equal(error.code, null);
  });

  test('status-specific defaults', () => {
    const auth = APIError.generate(401, openAiError(401, 'invalid token'), undefined, headers);
    assert.ok(auth instanceof AuthenticationError);
    assert.equal(auth.code, 'invalid_api_key');
    const limited = APIError.generate(429, openAiError(429, 'slow down'), undefined, headers);
    assert.ok(limited instanceof RateLimitError);
    assert.equal(limited.code, 'rate_limit_exceeded');
    assert.equal(openAiError(503, 'worker down').error.type, 'server_error');
    assert.equal(openAiError(500, 'x', { type: 'custom', code: 'c' }).error.code, 'c');
  });
});
