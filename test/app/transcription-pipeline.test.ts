import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PyannoteDiarizationEngine } from '../../src/diarization/pyannote-diarization.engine';
import type { Stage } from '../../src/jobs/job-catalogue';
import { JobTimeoutError } from '../../src/transcription/job-errors';
import { FfmpegAudioDecoder } from '../../src/audio/audio-decoder';
import { TranscriptionPipeline } from '../../src/transcription/transcription.pipeline';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import {
  EndlessSpeechEngine,
  fixtureTurns,
  UnavailableDiarizationEngine,
  scriptedPipeline,
  pipelineResults,
} from './support/substitute-engines';
import { workerConfig } from './support/worker-config';

const WAV = fixtures.audio('conv-en-2spk.wav');
const JSON_TURNS = fixtures.audio('conv-en-2spk.json');
const PARAMS = { speakerCount: 2, language: 'en', temperature: 0, noSpeechThreshold: 0.6, initialPrompt: '' };

function recorder(): {
  stages: Stage[];
  percents: number[];
  report: (stage: Stage, percent: number) => void;
} {
  const stages: Stage[] = [];
  const percents: number[] = [];
  return {
    stages,
    percents,
    report: (stage, percent) => {
      if (stages[stages.length - 1] !== stage) stages.push(stage);
      percents.push(percent);
    },
  };
}

describe(
  'the worker pipeline with a scripted transcription',
  { skip: skipUnlessPresent(WAV, JSON_TURNS) },
  () => {
    test('without diarization every segment goes to speaker 0', async () => {
      const turns = fixtureTurns(JSON_TURNS);
      const pipeline = scriptedPipeline(turns);
      const progress = recorder();
      const results = await pipelineResults(pipeline, 'transcribe', WAV, PARAMS, {
        signal: new AbortController().signal,
        report: progress.report,
      });
      assert.deepEqual(
        results.map((entry) => entry.text),
        turns.map((turn) => turn.text),
      );
      assert.ok(results.every((entry) => entry.speaker === 0));
      assert.deepEqual(progress.stages, ['initializing', 'transcribing', 'combining']);
      assert.deepEqual(
        progress.percents,
        [...progress.percents].sort((a, b) => a - b),
        'progress only rises',
      );
    });

    test(
      'with the real diarization library, words get the speakers of the reference turns',
      { skip: skipUnlessPresent(models.segmentation) },
      async () => {
        const turns = fixtureTurns(JSON_TURNS);
        const diarization = new PyannoteDiarizationEngine(
          workerConfig({ SEGMENTATION_MODEL_PATH: models.segmentation }),
        );
        await diarization.onModuleInit();
        try {
          assert.equal(
            diarization.available,
            true,
            'libs/diarization loads and opens the segmentation model',
          );
          const pipeline = scriptedPipeline(turns, diarization);
          const progress = recorder();
          const results = await pipelineResults(pipeline, 'transcribe', WAV, PARAMS, {
            signal: new AbortController().signal,
            report: progress.report,
          });
          assert.deepEqual(progress.stages, ['initializing', 'transcribing', 'diarizing', 'combining']);
          assert.equal(results[0].speaker, 0, 'the first speaker is 0');
          // Each reference turn: the speaker of the entry covering its middle.
          const speakerAt = (time: number): number | undefined =>
            results.find((entry) => entry.start <= time && time <= entry.end)?.speaker;
          const mapping = new Map<number, Map<number, number>>();
          for (const turn of turns) {
            const found = speakerAt((turn.start + turn.end) / 2);
            if (found === undefined) continue;
            const votes = mapping.get(turn.speaker) ?? new Map<number, number>();
            votes.set(found, (votes.get(found) ?? 0) + 1);
            mapping.set(turn.speaker, votes);
          }
          const majority = (speaker: number): [number, number] =>
            [...(mapping.get(speaker) ?? new Map<number, number>())].sort((a, b) => b[1] - a[1])[0] ?? [
              -1, 0,
            ];
          const [first, firstVotes] = majority(0);
          const [second, secondVotes] = majority(1);
          assert.notEqual(first, second, `the two voices got different speakers: ${JSON.stringify(results)}`);
          assert.ok(
            firstVotes + secondVotes >= turns.length - 1,
            `turns matched: ${firstVotes + secondVotes}/${turns.length}`,
          );
          assert.ok(
            results.every((entry) => entry.speaker === 0 || entry.speaker === 1),
            'speaker_count 2 gives speakers 0 and 1',
          );
        } finally {
          await diarization.onModuleDestroy();
        }
      },
    );

    test('an aborted job stops the speech engine and rejects with the abort reason', async () => {
      const speech = new EndlessSpeechEngine();
      const pipeline = new TranscriptionPipeline(
        speech,
        new UnavailableDiarizationEngine(),
        new FfmpegAudioDecoder(),
        workerConfig({}),
      );
      const controller = new AbortController();
      const reason = new JobTimeoutError(200);
      // Aborted while transcribing (an abort during decoding rejects with the reason itself).
      speech.onStart = () => setTimeout(() => controller.abort(reason), 50);
      await assert.rejects(
        pipelineResults(pipeline, 'transcribe', WAV, PARAMS, {
          signal: controller.signal,
          report: () => undefined,
        }),
        {
          name: 'AbortError',
        },
      );
      assert.equal(speech.abortedWith, reason);
    });

    test(
      'a file that decodes to nothing fails with a clear message',
      { skip: skipUnlessPresent(fixtures.bad('header-only.wav')) },
      async () => {
        const pipeline = scriptedPipeline([]);
        await assert.rejects(
          pipelineResults(pipeline, 'transcribe', fixtures.bad('header-only.wav'), PARAMS, {
            signal: new AbortController().signal,
            report: () => undefined,
          }),
          /cannot decode audio|no samples/,
        );
      },
    );
  },
);
