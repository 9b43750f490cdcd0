import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequestException, InternalServerErrorException } from '@nestjs/common';
import { AudioDecodeError } from '../../libs/audio';
import { EmptyAudioError, type Transcript } from '../../libs/pipeline';
import { decodeJobRecord, encodeJobRecord, type JobRecord } from '../../src/jobs/job-record';
import { toOpenAiInput } from '../../src/openai/openai-transcription.service';
import { contractBody } from '../../src/results/contract-body';
import { classifyJobFailure, JobTimeoutError, WorkerShutdownError } from '../../src/transcription/job-errors';

const [HELLO, THERE, FINE] = [
  { word: ' Hello', start: 0.2, end: 0.61234, probability: 0.91 },
  { word: ' there.', start: 0.7, end: 1.2, probability: 0.8 },
  { word: ' Fine.', start: 3.1, end: 3.9, probability: 0.7 },
];

/** Words said by the diarizer's speakers 4 and 2, in one Whisper segment. */
const TRANSCRIPT: Transcript = {
  language: 'ko',
  durationSeconds: 4.5,
  segments: [
    { start: 0.2, end: 3.9, text: ' Hello there. Fine.', noSpeechProb: 0.125, words: [HELLO, THERE, FINE] },
  ],
  utterances: [
    {
      speaker: 4,
      start: 0.2,
      end: 1.2,
      text: ' Hello there.',
      words: [HELLO, THERE].map((w) => ({ ...w, speaker: 4 })),
    },
    { speaker: 2, start: 3.1, end: 3.9, text: ' Fine.', words: [{ ...FINE, speaker: 2 }] },
  ],
  turns: null,
  speechRegions: [],
  warnings: [],
};

function stored(record: JobRecord): ReturnType<typeof decodeJobRecord> {
  return decodeJobRecord(encodeJobRecord(record));
}

describe('the stored job record', () => {
  test("a transcript is delivered as the contract's body, words only when asked for", () => {
    const plain = contractBody(
      stored({ status: 'completed', kind: 'transcript', transcript: TRANSCRIPT, wordTimestamps: false }),
    );
    assert.equal(
      JSON.stringify(plain),
      '{"status":"completed","results":[{"speaker":0,"start":0.2,"end":1.2,"text":"Hello there."},' +
        '{"speaker":1,"start":3.1,"end":3.9,"text":"Fine."}]}',
    );
    const withWords = contractBody(
      stored({ status: 'completed', kind: 'transcript', transcript: TRANSCRIPT, wordTimestamps: true }),
    );
    assert.ok(withWords.status === 'completed');
    assert.deepEqual(withWords.results[0], {
      speaker: 0,
      start: 0.2,
      end: 1.2,
      text: 'Hello there.',
      words: [
        { word: 'Hello', start: 0.2, end: 0.612, probability: 0.91, speaker: 0 },
        { word: 'there.', start: 0.7, end: 1.2, probability: 0.8, speaker: 0 },
      ],
      // The mean of its words' probabilities.
      probability: 0.855,
    });
  });

  test('a failure keeps its code and is delivered as the contract failure', () => {
    const record = stored({ status: 'failed', kind: 'failure', code: 'empty_audio', message: 'no samples' });
    assert.deepEqual(record, {
      status: 'failed',
      kind: 'failure',
      code: 'empty_audio',
      message: 'no samples',
    });
    assert.equal(JSON.stringify(contractBody(record)), '{"status":"failed","error":"no samples"}');
  });

  test('what the previous version stored is delivered byte for byte', () => {
    for (const json of [
      '{"status":"completed","results":[{"speaker":0,"start":0,"end":1.5,"text":"Hi."}]}',
      '{"status":"completed","results":[{"speaker":0,"start":0,"end":1.5}]}',
      '{"status":"failed","error":"cannot decode audio"}',
    ]) {
      assert.equal(JSON.stringify(contractBody(decodeJobRecord(json))), json);
    }
  });
});

describe('verbose_json from the stored record', () => {
  test("carries the detected language and Whisper's own segments with their no_speech_prob", () => {
    const input = toOpenAiInput(
      stored({ status: 'completed', kind: 'transcript', transcript: TRANSCRIPT, wordTimestamps: true }),
      null,
      null,
    );
    assert.equal(input.language, 'ko');
    assert.equal(input.durationSeconds, 4.5);
    assert.deepEqual(input.segments, TRANSCRIPT.segments);
    assert.deepEqual(
      input.utterances.map((entry) => entry.speaker),
      [0, 1],
    );
  });

  test('a failure caused by the input is a 400, any other a 500, told apart by code alone', () => {
    const failure = (code: 'unreadable_audio' | 'timeout'): JobRecord => ({
      status: 'failed',
      kind: 'failure',
      code,
      message: 'same words either way',
    });
    assert.throws(() => toOpenAiInput(stored(failure('unreadable_audio')), null, null), BadRequestException);
    assert.throws(() => toOpenAiInput(stored(failure('timeout')), null, null), InternalServerErrorException);
  });
});

describe('failure codes', () => {
  test('come from the class of the error or of the abort reason', () => {
    const idle = new AbortController().signal;
    const timedOut = new AbortController();
    timedOut.abort(new JobTimeoutError(1000));
    const stopped = new AbortController();
    stopped.abort(new WorkerShutdownError());
    assert.equal(classifyJobFailure(new AudioDecodeError('x'), idle, '/f').code, 'unreadable_audio');
    assert.equal(classifyJobFailure(new EmptyAudioError(), idle, '/f').code, 'empty_audio');
    assert.equal(classifyJobFailure(new Error('audio decode failed'), idle, '/f').code, 'internal');
    assert.equal(classifyJobFailure(new Error('aborted'), timedOut.signal, '/f').code, 'timeout');
    assert.equal(classifyJobFailure(new Error('aborted'), stopped.signal, '/f').code, 'worker_shutdown');
  });
});
