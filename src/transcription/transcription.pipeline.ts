import { Injectable } from '@nestjs/common';
import { decodeToPcm } from '../../libs/audio';
import { DiarizationEngine, type SpeakerUtterance } from '../diarization/diarization-engine';
import type { Stage, TranscriptionParams } from '../jobs/job-catalogue';
import type { Utterance } from '../results/result-types';
import { SpeechEngine } from '../speech/speech-engine';
import { speakerZeroUtterances, toContractResults } from './combine-results';
import { EmptyAudioError } from './job-errors';

export interface PipelineHooks {
  signal: AbortSignal;
  report: (stage: Stage, percent: number) => void;
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

  async run(filePath: string, params: TranscriptionParams, hooks: PipelineHooks): Promise<Utterance[]> {
    const { signal, report } = hooks;
    report('initializing', within('initializing', 0));
    const samples = await decodeToPcm(filePath, { signal });
    if (samples.length === 0) throw new EmptyAudioError();

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
    return toContractResults(utterances);
  }
}
