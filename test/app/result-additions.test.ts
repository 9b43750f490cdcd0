import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { BadRequestException } from '@nestjs/common';
import { computeDer } from '../../libs/diarization';
import { parseRttm } from '../../libs/formats';
import { PyannoteDiarizationEngine } from '../../src/diarization/pyannote-diarization.engine';
import type { Stage } from '../../src/jobs/job-catalogue';
import type { TranscriptionQueueRepository } from '../../src/jobs/transcription-queue.repository';
import type { CancelFlags } from '../../src/results/cancel-flags.repository';
import type { ResultStore } from '../../src/results/result-store.repository';
import type { TaskIndex } from '../../src/tasks/task-index.repository';
import type { TaskRetention } from '../../src/tasks/task-retention';
import { decodeJobRecord } from '../../src/jobs/job-record';
import type { ResultEntryDto } from '../../src/results/dto/result-response.dto';
import type { FinishedBody } from '../../src/results/result-types';
import type { ResultWaiter } from '../../src/results/result-waiter';
import { type ResultFormat, ResultsService } from '../../src/results/results.service';
import { resolveSpeakerFields } from '../../src/jobs/speaker-fields';
import { FfmpegAudioDecoder } from '../../src/audio/audio-decoder';
import { TranscriptionPipeline } from '../../src/transcription/transcription.pipeline';
import type { UploadFiles } from '../../src/upload/upload-files';
import { readSrt, readVtt } from '../formats/subtitle-parsers';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import {
  fixtureTurns,
  ScriptedSpeechEngine,
  scriptedPipeline,
  pipelineResults,
  type TranscriptionParams,
} from './support/substitute-engines';
import { workerConfig } from './support/worker-config';

const WAV = fixtures.audio('conv-en-2spk.wav');
const JSON_TURNS = fixtures.audio('conv-en-2spk.json');
const RTTM = fixtures.audio('conv-en-2spk.rttm');
const PARAMS: TranscriptionParams = {
  speakerCount: 2,
  language: 'en',
  temperature: 0,
  noSpeechThreshold: 0.6,
  initialPrompt: '',
};
const CONTRACT_KEYS = ['end', 'speaker', 'start', 'text'];
const WORD_KEYS = ['end', 'probability', 'speaker', 'start', 'word'];
const hooks = (stages: Stage[] = []): { signal: AbortSignal; report: (stage: Stage) => void } => ({
  signal: new AbortController().signal,
  report: (stage) => {
    if (stages[stages.length - 1] !== stage) stages.push(stage);
  },
});

function diarizationEngine(): PyannoteDiarizationEngine {
  return new PyannoteDiarizationEngine(workerConfig({ SEGMENTATION_MODEL_PATH: models.segmentation }));
}

function assertWords(results: ResultEntryDto[]): void {
  for (const entry of results) {
    assert.deepEqual(Object.keys(entry).sort(), [...CONTRACT_KEYS, 'probability', 'words'].sort());
    const words = entry.words ?? [];
    const mean = words.reduce((sum, word) => sum + word.probability, 0) / words.length;
    assert.ok(
      Math.abs((entry.probability ?? -1) - mean) < 0.001,
      "the entry's probability is its words' mean",
    );
    assert.ok(words.length > 0, 'every entry has its words');
    for (const word of words) {
      assert.deepEqual(Object.keys(word).sort(), WORD_KEYS);
      assert.equal(word.speaker, entry.speaker, 'a word has its entry speaker');
      assert.ok(word.start >= entry.start - 1e-9 && word.end <= entry.end + 1e-9 && word.start <= word.end);
      assert.ok(word.probability >= 0 && word.probability <= 1);
    }
    assert.equal(words.map((word) => word.word).join(' '), entry.text, 'the words make the text');
  }
}

function withWordTimestamps(pipeline: TranscriptionPipeline): Promise<ResultEntryDto[]> {
  return pipelineResults(pipeline, 'transcribe', WAV, { ...PARAMS, wordTimestamps: true }, hooks());
}

describe(
  'word timestamps through the worker pipeline (scripted speech)',
  { skip: skipUnlessPresent(WAV, JSON_TURNS) },
  () => {
    test('off by default: entries keep exactly the contract keys; on: each entry carries its words', async () => {
      const turns = fixtureTurns(JSON_TURNS);
      const pipeline = scriptedPipeline(turns);
      const plain = await pipelineResults(pipeline, 'transcribe', WAV, PARAMS, hooks());
      assert.ok(plain.length > 0);
      for (const entry of plain) assert.deepEqual(Object.keys(entry).sort(), CONTRACT_KEYS);
      const withWords = await withWordTimestamps(pipeline);
      assertWords(withWords);
      assert.deepEqual(
        withWords.map(({ words: _words, probability: _probability, ...entry }) => entry),
        plain,
        'the rest of each entry is unchanged',
      );
    });

    test(
      'with diarization, words carry the speakers their entries got',
      { skip: skipUnlessPresent(models.segmentation) },
      async () => {
        const diarization = diarizationEngine();
        await diarization.onModuleInit();
        try {
          const pipeline = scriptedPipeline(fixtureTurns(JSON_TURNS), diarization);
          const results = await withWordTimestamps(pipeline);
          assertWords(results);
          assert.deepEqual(
            [...new Set(results.flatMap((entry) => entry.words ?? []).map((w) => w.speaker))].sort(),
            [0, 1],
          );
        } finally {
          await diarization.onModuleDestroy();
        }
      },
    );
  },
);

describe(
  'speaker turns only (the diarize mode of the pipeline)',
  { skip: skipUnlessPresent(WAV, RTTM, models.segmentation) },
  () => {
    test('no transcription runs; stages initializing -> diarizing; DER against the reference within 12 %', async () => {
      const diarization = diarizationEngine();
      await diarization.onModuleInit();
      const speech = new ScriptedSpeechEngine([]);
      try {
        const pipeline = new TranscriptionPipeline(
          speech,
          diarization,
          new FfmpegAudioDecoder(),
          workerConfig({}),
        );
        const stages: Stage[] = [];
        const turns = await pipelineResults(
          pipeline,
          'diarize',
          WAV,
          { ...PARAMS, speakerCount: null },
          hooks(stages),
        );
        assert.equal(speech.requests.length, 0, 'Whisper is not called');
        assert.deepEqual(stages, ['initializing', 'diarizing']);
        for (const turn of turns) assert.deepEqual(Object.keys(turn).sort(), ['end', 'speaker', 'start']);
        const der = computeDer(parseRttm(readFileSync(RTTM, 'utf8')), turns);
        assert.ok(der.der <= 0.12, `DER ${(der.der * 100).toFixed(1)} %`);
      } finally {
        await diarization.onModuleDestroy();
      }
    });
  },
);

/** ResultsService over a stored body, with no Redis: what GET /result sends for each format. */
function serviceWith(body: FinishedBody): { service: ResultsService; delivered: () => number } {
  let delivered = 0;
  const store = {
    find: async () => ({ owner: 'alice', record: decodeJobRecord(JSON.stringify(body)) }),
    markDelivered: async () => void delivered++,
  } as unknown as ResultStore;
  const queue = { lookup: async () => ({ kind: 'unknown' }) } as unknown as TranscriptionQueueRepository;
  const flags = { isRaised: async () => false } as unknown as CancelFlags;
  // No answer here waits: the results are finished.
  const waiter = {} as unknown as ResultWaiter;
  const service = new ResultsService(
    store,
    queue,
    flags,
    { dir: '/nonexistent' } as unknown as UploadFiles,
    waiter,
    // Neither is reached: delivery goes through the store above.
    {} as unknown as TaskIndex,
    {} as unknown as TaskRetention,
  );
  return { service, delivered: () => delivered };
}

const TASK = '0b5f6a2e-3c1d-4e8f-9a7b-2c4d6e8f0a1b';
const COMPLETED: FinishedBody = {
  status: 'completed',
  results: [
    { speaker: 0, start: 0.5, end: 2.25, text: 'Hello there, how are you?' },
    { speaker: 1, start: 2.5, end: 4, text: 'Fine <thanks> & you?' },
    { speaker: 0, start: 4.2, end: 15, text: 'A long answer '.repeat(12).trim() },
  ],
};

describe('GET /result formats (ResultsService)', () => {
  test('srt and vtt parse back with the speakers, split at speaker changes and at the cue length', async () => {
    const { service, delivered } = serviceWith(COMPLETED);
    const srt = await service.answer(TASK, 'alice', 'srt');
    assert.match(srt.contentType ?? '', /^application\/x-subrip/);
    const srtCues = readSrt(srt.json);
    const vtt = await service.answer(TASK, 'alice', 'vtt');
    assert.match(vtt.contentType ?? '', /^text\/vtt/);
    const vttCues = readVtt(vtt.json);
    for (const cues of [srtCues, vttCues]) {
      assert.ok(cues.length > COMPLETED.results.length, 'the 10.8 s entry is cut into several cues');
      assert.deepEqual([...new Set(cues.map((cue) => cue.speaker))], [0, 1]);
      assert.ok(cues.every((cue) => cue.endMs - cue.startMs <= 7000 && cue.startMs < cue.endMs));
      assert.equal(cues[0].speaker, 0);
      assert.ok(cues.some((cue) => cue.speaker === 1 && cue.text.includes('Fine <thanks> & you?')));
    }
    await srt.onDelivered?.();
    assert.equal(delivered(), 1, 'a text format is delivered once like JSON');
  });

  test('txt and rttm; the JSON default is the stored body byte for byte', async () => {
    const { service } = serviceWith(COMPLETED);
    const txt = await service.answer(TASK, 'alice', 'txt');
    assert.match(txt.contentType ?? '', /^text\/plain/);
    for (const entry of COMPLETED.results as ResultEntryDto[])
      assert.ok(txt.json.includes((entry.text ?? '').slice(0, 20)));
    const rttm = parseRttm((await service.answer(TASK, 'alice', 'rttm')).json);
    assert.deepEqual(
      rttm.map((turn) => [turn.fileId, turn.start, Number(turn.end.toFixed(3))]),
      COMPLETED.results.map((entry) => [TASK, entry.start, entry.end]),
    );
    const json = await service.answer(TASK, 'alice');
    assert.equal(json.json, JSON.stringify(COMPLETED));
    assert.equal(json.contentType, undefined, 'JSON');
  });

  test('a failure stays JSON whatever the format; a turns-only result renders as rttm only', async () => {
    const failed: FinishedBody = { status: 'failed', error: 'cannot decode audio' };
    for (const format of ['srt', 'vtt', 'txt', 'rttm'] as ResultFormat[]) {
      const answer = await serviceWith(failed).service.answer(TASK, 'alice', format);
      assert.deepEqual(JSON.parse(answer.json), failed);
      assert.equal(answer.contentType, undefined, 'JSON');
    }
    const turns: FinishedBody = { status: 'completed', results: [{ speaker: 0, start: 0, end: 1.5 }] };
    const rttm = await serviceWith(turns).service.answer(TASK, 'alice', 'rttm');
    assert.equal(parseRttm(rttm.json).length, 1);
    await assert.rejects(serviceWith(turns).service.answer(TASK, 'alice', 'srt'), BadRequestException);
  });
});

describe('speaker bounds precedence', () => {
  test('explicit count wins and must fit the bounds; bounds alone are automatic; none is the default', () => {
    const resolve = (
      fields: { speakerCount?: number; minSpeakers?: number; maxSpeakers?: number },
      speakerCountGiven: boolean,
      defaultCount: number | null,
    ): unknown => resolveSpeakerFields({ ...fields, speakerCountGiven, defaultCount });
    assert.deepEqual(resolve({ speakerCount: 2 }, false, 2), { numSpeakers: 2 });
    assert.deepEqual(resolve({ speakerCount: 2, minSpeakers: 2, maxSpeakers: 4 }, false, 2), {
      numSpeakers: null,
      minSpeakers: 2,
      maxSpeakers: 4,
    });
    assert.deepEqual(resolve({ speakerCount: 3, minSpeakers: 2, maxSpeakers: 4 }, true, 2), {
      numSpeakers: 3,
      minSpeakers: 2,
      maxSpeakers: 4,
    });
    assert.deepEqual(resolve({}, false, null), { numSpeakers: null });
    const contradictions: Array<[() => unknown, string]> = [
      [() => resolve({ speakerCount: 2, minSpeakers: 3, maxSpeakers: 2 }, false, 2), 'min_speakers'],
      [() => resolve({ speakerCount: 5, maxSpeakers: 4 }, true, 2), 'speaker_count'],
      [() => resolve({ speakerCount: 1, minSpeakers: 2 }, true, 2), 'speaker_count'],
    ];
    for (const [call, field] of contradictions) {
      assert.throws(call, (error: unknown) => {
        assert.ok(error instanceof BadRequestException);
        const body = error.getResponse() as { detail: string; errors: Record<string, string[]> };
        assert.deepEqual(Object.keys(body.errors), [field]);
        assert.doesNotMatch(
          body.detail,
          /numSpeakers|minSpeakers|maxSpeakers/,
          'named as the form names them',
        );
        return true;
      });
    }
  });
});
