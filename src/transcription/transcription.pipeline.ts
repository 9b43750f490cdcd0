import { Injectable } from '@nestjs/common';
import { WHISPER_SAMPLE_RATE, decodeToPcm } from '../../libs/audio';
import { DiarizationEngine, type SpeakerUtterance } from '../diarization/diarization-engine';
import type { JobMode, Stage, TranscriptionParams } from '../jobs/job-catalogue';
import type { SpeakerTurnEntry, Utterance } from '../results/result-types';
import { SpeechEngine } from '../speech/speech-engine';
import { speakerZeroUtterances, toContractResults, toTurnResults } from './combine-results';
import { DiarizationUnavailableError, EmptyAudioError } from './job-errors';

export interface PipelineHooks {
  signal: AbortSignal;
  report: (stage: Stage, percent: number) => void;
  /** The decoded audio's length, once known. */
  onDecoded?: (audioSeconds: number) => void;
}

/** Where each stage starts in the overall percentage; transcription dominates the time. */
const SPAN = {
  initializing: [0, 5],
  transcribing: [5, 75],
  diarizing: [75, 95],
  combining: [95, 100],
} satisfies Record<Stage, [number, number]>;

function within(stage: Stage, percentOfStage: number): number {
  const [from, to] = SPAN[stage];
  const clamped = Math.min(100, Math.max(0, percentOfStage));
  return Math.floor(from + ((to - from) * clamped) / 100);
}

/**
 * One file from upload to the contract's results: decode (ffmpeg) -> transcribe (whisper.cpp) ->
 * diarize (pyannote ONNX, when available) -> combine words with speakers.
 */
@Injectable()
export class TranscriptionPipeline {
  constructor(
    private readonly speech: SpeechEngine,
    private readonly diarization: DiarizationEngine,
  ) {}

  /** The job's results: who said what (`transcribe`), or speaker turns only (`diarize`). */
  async runMode(
    mode: JobMode,
    filePath: string,
    params: TranscriptionParams,
    hooks: PipelineHooks,
  ): Promise<Utterance[] | SpeakerTurnEntry[]> {
    return mode === 'diarize' ? this.turns(filePath, params, hooks) : this.run(filePath, params, hooks);
  }

  /** POST /diarize: decode and diarize, no transcription; stages initializing -> diarizing. */
  async turns(
    filePath: string,
    params: TranscriptionParams,
    hooks: PipelineHooks,
  ): Promise<SpeakerTurnEntry[]> {
    const { signal, report } = hooks;
    if (!this.diarization.available) throw new DiarizationUnavailableError();
    const samples = await this.decode(filePath, hooks);
    signal.throwIfAborted();
    report('diarizing', 0);
    const turns = await this.diarization.diarize(samples, {
      speakerCount: params.speakerCount,
      minSpeakers: params.minSpeakers,
      maxSpeakers: params.maxSpeakers,
      signal,
      onProgress: (percent) => report('diarizing', Math.floor(Math.min(100, Math.max(0, percent)) * 0.99)),
    });
    signal.throwIfAborted();
    return toTurnResults(turns);
  }

  async run(filePath: string, params: TranscriptionParams, hooks: PipelineHooks): Promise<Utterance[]> {
    const { signal, report } = hooks;
    const samples = await this.decode(filePath, hooks);

    signal.throwIfAborted();
    report('transcribing', within('transcribing', 0));
    const transcript = await this.speech.transcribe(samples, {
      language: params.language,
      temperature: params.temperature,
      noSpeechThreshold: params.noSpeechThreshold,
      initialPrompt: params.initialPrompt,
      signal,
      onProgress: (percent) => report('transcribing', within('transcribing', percent)),
    });

    signal.throwIfAborted();
    let utterances: SpeakerUtterance[];
    if (this.diarization.available) {
      report('diarizing', within('diarizing', 0));
      const turns = await this.diarization.diarize(samples, {
        speakerCount: params.speakerCount,
        minSpeakers: params.minSpeakers,
        maxSpeakers: params.maxSpeakers,
        signal,
        onProgress: (percent) => report('diarizing', within('diarizing', percent)),
      });
      signal.throwIfAborted();
      report('combining', within('combining', 0));
      utterances = this.diarization.attribute(
        transcript.segments.flatMap((segment) => segment.words),
        turns,
      );
    } else {
      report('combining', within('combining', 0));
      utterances = speakerZeroUtterances(transcript);
    }
    return toContractResults(utterances, { words: params.wordTimestamps === true });
  }

  private async decode(
    filePath: string,
    { signal, report, onDecoded }: PipelineHooks,
  ): Promise<Float32Array> {
    report('initializing', within('initializing', 0));
    const samples = await decodeToPcm(filePath, { signal, sampleRate: WHISPER_SAMPLE_RATE });
    if (samples.length === 0) throw new EmptyAudioError();
    onDecoded?.(samples.length / WHISPER_SAMPLE_RATE);
    return samples;
  }
}
