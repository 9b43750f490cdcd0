import { readFileSync } from 'node:fs';
import type { SpeakerTurn } from '../../../libs/diarization';
import type { SpeechRequest } from '../../../libs/pipeline';
import type { Transcription } from '../../../libs/speech';
import { FfmpegAudioDecoder } from '../../../src/audio/audio-decoder';
import type { AppConfig } from '../../../src/config/app-config';
import type { DiarizationEngine } from '../../../src/diarization/diarization-engine';
import { contractBody } from '../../../src/results/contract-body';
import type { ResultEntryDto } from '../../../src/results/dto/result-response.dto';
import { type JobData, type LegacyJobData, readJobData } from '../../../src/jobs/job-catalogue';

/** A job's parameters in one flat object (the previous version's job payload, which workers still read). */
export type TranscriptionParams = LegacyJobData['params'];
import type { SpeechEngine } from '../../../src/speech/speech-engine';
import { type PipelineHooks, TranscriptionPipeline } from '../../../src/transcription/transcription.pipeline';
import { workerConfig } from './worker-config';

interface FixtureTurn {
  speaker: number;
  start: number;
  end: number;
  text: string;
}

/** The reference turns of a shared fixture (NAME.json). */
export function fixtureTurns(jsonPath: string): FixtureTurn[] {
  return (JSON.parse(readFileSync(jsonPath, 'utf8')) as { turns: FixtureTurn[] }).turns;
}

/**
 * Stands in for Whisper where no real weights exist: one segment per reference turn, its words
 * spread evenly over the turn (the shared dummy model transcribes nothing).
 */
export class ScriptedSpeechEngine implements SpeechEngine {
  readonly requests: SpeechRequest[] = [];

  constructor(private readonly turns: FixtureTurn[]) {}

  async transcribe(_samples: Float32Array, request: SpeechRequest): Promise<Transcription> {
    this.requests.push(request);
    request.onProgress?.(50);
    request.onProgress?.(100);
    return {
      language: 'en',
      speechRegions: [],
      segments: this.turns.map((turn) => {
        const tokens = turn.text.split(/\s+/);
        const step = (turn.end - turn.start) / tokens.length;
        return {
          start: turn.start,
          end: turn.end,
          text: ` ${turn.text}`,
          noSpeechProb: 0.01,
          words: tokens.map((token, i) => ({
            word: ` ${token}`,
            start: turn.start + i * step,
            end: turn.start + (i + 1) * step,
            probability: 0.9,
          })),
        };
      }),
    };
  }
}

/** A speech engine that works until it is aborted, like a long native transcription. */
export class EndlessSpeechEngine implements SpeechEngine {
  abortedWith: unknown = null;
  onStart: () => void = () => undefined;

  transcribe(_samples: Float32Array, request: SpeechRequest): Promise<Transcription> {
    return new Promise((_resolve, reject) => {
      this.onStart();
      request.onProgress?.(10);
      request.signal?.addEventListener('abort', () => {
        this.abortedWith = request.signal?.reason;
        reject(Object.assign(new Error('the operation was aborted'), { name: 'AbortError' }));
      });
    });
  }
}

/** Where no segmentation model is installed. */
export class UnavailableDiarizationEngine implements DiarizationEngine {
  readonly available = false;

  diarize(): Promise<{ turns: SpeakerTurn[]; exclusiveTurns: SpeakerTurn[] }> {
    throw new Error('diarization is not available');
  }
}

/** The real worker pipeline around a scripted transcription (and no diarization unless given). */
export function scriptedPipeline(
  turns: FixtureTurn[],
  diarization: DiarizationEngine = new UnavailableDiarizationEngine(),
  config: AppConfig = workerConfig({}),
): TranscriptionPipeline {
  return new TranscriptionPipeline(
    new ScriptedSpeechEngine(turns),
    diarization,
    new FfmpegAudioDecoder(),
    config,
  );
}

/** What GET /result delivers for a job the worker pipeline ran: who said what, or speaker turns. */
export async function pipelineResults(
  pipeline: TranscriptionPipeline,
  mode: 'transcribe' | 'diarize',
  filePath: string,
  params: TranscriptionParams,
  hooks: PipelineHooks,
): Promise<ResultEntryDto[]> {
  const body = contractBody(await pipeline.run(jobOf(mode, filePath, params), hooks));
  if (body.status !== 'completed') throw new Error(body.error);
  return body.results;
}

function jobOf(mode: 'transcribe' | 'diarize', filePath: string, params: TranscriptionParams): JobData {
  return readJobData({ taskId: 'test', owner: 'test', filePath, params, mode });
}
