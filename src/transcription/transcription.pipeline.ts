import { Injectable } from '@nestjs/common';
import {
  diarizeSpeakerTurns,
  overallPercent,
  type PipelineStage,
  type SpeakerTurns,
  type StagePlan,
  transcribeWhoSaidWhat,
  type Transcript,
} from '../../libs/pipeline';
import { AudioDecoder } from '../audio/audio-decoder';
import { DiarizationEngine } from '../diarization/diarization-engine';
import type { JobMode, Stage, TranscriptionParams } from '../jobs/job-catalogue';
import { SpeechEngine } from '../speech/speech-engine';

export interface PipelineHooks {
  signal: AbortSignal;
  /** The contract's stage and the overall percent. */
  report: (stage: Stage, percent: number) => void;
}

/** Transcription dominates the time. */
const TRANSCRIBE_PLAN: StagePlan<PipelineStage> = {
  decoding: [0, 5],
  transcribing: [5, 75],
  diarizing: [75, 95],
  combining: [95, 100],
};
/** Speaker turns only: diarization is all there is. */
const DIARIZE_PLAN: StagePlan<PipelineStage> = {
  decoding: [0, 0],
  transcribing: [0, 0],
  diarizing: [0, 99],
  combining: [99, 100],
};

/** The contract names decoding `initializing`; the other stages are the pipeline's own. */
const CONTRACT_STAGE = {
  decoding: 'initializing',
  transcribing: 'transcribing',
  diarizing: 'diarizing',
  combining: 'combining',
} as const satisfies Record<PipelineStage, Stage>;

export type PipelineOutcome =
  { mode: 'transcribe'; transcript: Transcript } | { mode: 'diarize'; speakerTurns: SpeakerTurns };

/** libs/pipeline with the worker's engines, its job parameters and the contract's progress stages. */
@Injectable()
export class TranscriptionPipeline {
  constructor(
    private readonly speech: SpeechEngine,
    private readonly diarization: DiarizationEngine,
    private readonly decoder: AudioDecoder,
  ) {}

  async runMode(
    mode: JobMode,
    filePath: string,
    params: TranscriptionParams,
    hooks: PipelineHooks,
  ): Promise<PipelineOutcome> {
    const engines = {
      decoder: this.decoder,
      speech: this.speech,
      diarization: this.diarization.available ? this.diarization : null,
    };
    const speakers = {
      numSpeakers: params.speakerCount,
      minSpeakers: params.minSpeakers,
      maxSpeakers: params.maxSpeakers,
    };
    if (mode === 'diarize') {
      const speakerTurns = await diarizeSpeakerTurns(
        { filePath },
        engines,
        { speakers },
        {
          signal: hooks.signal,
          onProgress: contractProgress(DIARIZE_PLAN, hooks.report),
        },
      );
      return { mode, speakerTurns };
    }
    const transcript = await transcribeWhoSaidWhat(
      { filePath },
      engines,
      {
        language: params.language,
        temperature: params.temperature,
        noSpeechThreshold: params.noSpeechThreshold,
        initialPrompt: params.initialPrompt,
        speakers,
      },
      { signal: hooks.signal, onProgress: contractProgress(TRANSCRIBE_PLAN, hooks.report) },
    );
    return { mode, transcript };
  }
}

function contractProgress(
  plan: StagePlan<PipelineStage>,
  report: PipelineHooks['report'],
): (stage: PipelineStage, percent: number) => void {
  return (stage, percent) => report(CONTRACT_STAGE[stage], Math.floor(overallPercent(plan, stage, percent)));
}
