import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ffmpegAudioDecoder } from '../../libs/audio';
import { Diarizer } from '../../libs/diarization';
import {
  type DiarizationEngine,
  type PipelineStage,
  type SpeechEngine,
  type Transcript,
  transcribeWhoSaidWhat,
} from '../../libs/pipeline';
import { type Transcription, WhisperModel } from '../../libs/speech';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';

const WAV = fixtures.audio('conv-en-2spk.wav');
const REFERENCE = fixtures.audio('conv-en-2spk.json');

/** What happened, in order: each stage as reported, and when each engine started and ended. */
type Event = `report:${PipelineStage}` | 'whisper:start' | 'whisper:end' | 'diarizer:start' | 'diarizer:end';

interface Run {
  transcript: Transcript;
  events: Event[];
  percents: number[];
}

/** The engines with every call and progress report written into one event list. */
function recorded(speech: SpeechEngine, diarization: DiarizationEngine, events: Event[]) {
  return {
    decoder: ffmpegAudioDecoder,
    speech: {
      transcribe: async (samples: Float32Array, request: Parameters<SpeechEngine['transcribe']>[1]) => {
        events.push('whisper:start');
        try {
          return await speech.transcribe(samples, request);
        } finally {
          events.push('whisper:end');
        }
      },
    },
    diarization: {
      diarize: async (samples: Float32Array, request: Parameters<DiarizationEngine['diarize']>[1]) => {
        events.push('diarizer:start');
        try {
          return await diarization.diarize(samples, request);
        } finally {
          events.push('diarizer:end');
        }
      },
    },
  };
}

async function run(
  speech: SpeechEngine,
  diarization: DiarizationEngine,
  diarizeAlongside: boolean,
  signal?: AbortSignal,
): Promise<Run> {
  const events: Event[] = [];
  const percents: number[] = [];
  let stageNow: PipelineStage | null = null;
  const transcript = await transcribeWhoSaidWhat(
    { filePath: WAV },
    recorded(speech, diarization, events),
    { language: 'en', speakers: { numSpeakers: 2 }, diarizeAlongside },
    {
      signal,
      onProgress: (stage, percent) => {
        // A stage is recorded where it begins; its further reports only add percents.
        if (stage !== stageNow) events.push(`report:${stage}`);
        stageNow = stage;
        percents.push(percent);
      },
    },
  );
  return { transcript, events, percents };
}

const reports = (events: Event[]): Event[] => events.filter((event) => event.startsWith('report:'));

/** The reference words of the fixture, as Whisper with real weights would give them (the shared model has none). */
class ReferenceWordsEngine implements SpeechEngine {
  constructor(private readonly inner: SpeechEngine) {}

  async transcribe(samples: Float32Array, request: Parameters<SpeechEngine['transcribe']>[1]) {
    const real = await this.inner.transcribe(samples, request);
    const { turns } = JSON.parse(readFileSync(REFERENCE, 'utf8')) as {
      turns: { start: number; end: number; text: string }[];
    };
    const segments: Transcription['segments'] = turns.map((turn) => {
      const tokens = turn.text.split(/\s+/);
      const step = (turn.end - turn.start) / tokens.length;
      return {
        start: turn.start,
        end: turn.end,
        text: turn.text,
        noSpeechProb: 0,
        words: tokens.map((word, i) => ({
          word: ` ${word}`,
          start: turn.start + i * step,
          end: turn.start + (i + 1) * step,
          probability: 0.9,
        })),
      };
    });
    return { ...real, segments };
  }
}

describe(
  'transcription and diarization side by side (real addon, Silero VAD, segmentation model)',
  { skip: skipUnlessPresent(WAV, REFERENCE, models.whisperTiny, models.sileroVad, models.segmentation) },
  () => {
    let model: WhisperModel;
    let diarizer: Diarizer;
    let whisper: SpeechEngine;

    before(async () => {
      model = await WhisperModel.load({ modelPath: models.whisperTiny });
      diarizer = await Diarizer.create({ segmentationModelPath: models.segmentation, threads: 1 });
      whisper = {
        transcribe: (samples, request) =>
          model.transcribe(samples, {
            ...request,
            threads: 1,
            vad: { modelPath: models.sileroVad },
            wordTimestamps: true,
          }),
      };
    });

    after(async () => {
      await diarizer?.close();
      await model?.close();
    });

    test('gives the same transcript as one after the other, stages reported in the same order', async () => {
      const sequential = await run(whisper, diarizer, false);
      const alongside = await run(whisper, diarizer, true);

      assert.ok(sequential.transcript.turns?.length, 'diarization found speaker turns to compare');
      assert.ok(sequential.transcript.speechRegions.length > 0, 'VAD found speech to compare');
      assert.deepEqual(alongside.transcript, sequential.transcript);

      const order: Event[] = [
        'report:decoding',
        'report:transcribing',
        'report:diarizing',
        'report:combining',
      ];
      assert.deepEqual(reports(sequential.events), order);
      assert.deepEqual(reports(alongside.events), order);
      // One after the other: diarization starts once Whisper has ended.
      assert.ok(sequential.events.indexOf('diarizer:start') > sequential.events.indexOf('whisper:end'));
      // Side by side: both started before either ended, and `diarizing` shows only once Whisper is done.
      const started = Math.max(
        alongside.events.indexOf('whisper:start'),
        alongside.events.indexOf('diarizer:start'),
      );
      const firstEnd = Math.min(
        alongside.events.indexOf('whisper:end'),
        alongside.events.indexOf('diarizer:end'),
      );
      assert.ok(started < firstEnd, `both ran at once: ${alongside.events.join(', ')}`);
      assert.ok(alongside.events.indexOf('report:diarizing') > alongside.events.indexOf('whisper:end'));
      assert.deepEqual(alongside.percents.slice(-1), sequential.percents.slice(-1));
    });

    test('words go to the same speakers side by side as one after the other', async () => {
      const words = new ReferenceWordsEngine(whisper);
      const sequential = await run(words, diarizer, false);
      const alongside = await run(words, diarizer, true);
      assert.ok(sequential.transcript.utterances.length > 1, 'there are utterances to compare');
      assert.ok(new Set(sequential.transcript.utterances.map((u) => u.speaker)).size === 2);
      assert.deepEqual(alongside.transcript.utterances, sequential.transcript.utterances);
    });

    test('a failing diarization stops Whisper, and its own error is what the call rejects with', async () => {
      let whisperSignal: AbortSignal | undefined;
      const failure = new Error('segmentation failed');
      const slowWhisper: SpeechEngine = {
        transcribe: (samples, request) => {
          whisperSignal = request.signal;
          return whisper.transcribe(samples, request);
        },
      };
      const failing: DiarizationEngine = {
        diarize: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw failure;
        },
      };
      const events: Event[] = [];
      await assert.rejects(
        transcribeWhoSaidWhat(
          { filePath: WAV },
          recorded(slowWhisper, failing, events),
          { language: 'en', diarizeAlongside: true },
          { onProgress: (stage) => events.push(`report:${stage}`) },
        ),
        (error) => error === failure,
      );
      assert.equal(whisperSignal?.aborted, true, 'Whisper was told to stop');
      // Both had ended before the call settled: nothing runs on after it.
      assert.ok(events.includes('whisper:end') && events.includes('diarizer:end'));
      assert.ok(!events.includes('report:combining'));
    });

    test('a cancelled job stops both and rejects', async () => {
      const controller = new AbortController();
      const reason = new Error('cancelled by the owner');
      const events: Event[] = [];
      const cancelling: DiarizationEngine = {
        diarize: (samples, request) => {
          setImmediate(() => controller.abort(reason));
          return diarizer.diarize(samples, request);
        },
      };
      await assert.rejects(
        transcribeWhoSaidWhat(
          { filePath: WAV },
          recorded(whisper, cancelling, events),
          { language: 'en', diarizeAlongside: true },
          { signal: controller.signal },
        ),
      );
      assert.ok(events.includes('whisper:end') && events.includes('diarizer:end'));
    });
  },
);
