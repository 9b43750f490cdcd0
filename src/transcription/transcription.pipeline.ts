import { Injectable } from '@nestjs/common';
import {
  diarizeSpeakerTurns,
  overallPercent,
  type PipelineStage,
  type SpeechDetector,
  type StagePlan,
  transcribeWhoSaidWhat,
} from '../../libs/pipeline';
import type { NewSegment } from '../../libs/speech';
import { AudioDecoder } from '../audio/audio-decoder';
import { AppConfig } from '../config/app-config';
import { DiarizationEngine } from '../diarization/diarization-engine';
import type { JobData, Stage } from '../jobs/job-catalogue';
import type { JobRecord } from '../jobs/job-record';
import { SpeechEngine } from '../speech/speech-engine';

export interface PipelineHooks {
  signal: AbortSignal;
  /** The contract's stage and the overall percent. */
  report: (stage: Stage, percent: number) => void;
  /** Each Whisper segment as soon as it is transcribed (transcribe jobs only). */
  onSegment?: (segment: NewSegment) => void;
}

/** Transcription dominates the time (side by side, `diarizing` is only what is left after Whisper). */
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

/** What a job that ran to its end stores. */
export type CompletedRecord = Extract<JobRecord, { status: 'completed' }>;

/** libs/pipeline with the worker's engines, its job parameters and the contract's progress stages. */
@Injectable()
export class TranscriptionPipeline {
  constructor(
    private readonly speech: SpeechEngine,
    private readonly diarization: DiarizationEngine,
    private readonly decoder: AudioDecoder,
    private readonly config: AppConfig,
  ) {}

  async run(job: JobData, hooks: PipelineHooks): Promise<CompletedRecord> {
    const input = { filePath: job.filePath };
    const engines = {
      decoder: this.decoder,
      speech: this.speech,
      diarization: this.diarization.available ? this.diarization : null,
      speechDetector: speechDetectorOf(this.speech),
    };
    const { speakers } = job;
    switch (job.kind) {
      case 'diarize': {
        const { durationSeconds, exclusiveTurns, channels, warnings } = await diarizeSpeakerTurns(
          input,
          engines,
          { speakers, channelDiarization: job.channelDiarization },
          { signal: hooks.signal, onProgress: contractProgress(DIARIZE_PLAN, hooks.report) },
        );
        return {
          status: 'completed',
          kind: 'speaker-turns',
          durationSeconds,
          exclusiveTurns,
          warnings,
          ...(channels === undefined ? {} : { channels }),
        };
      }
      case 'transcribe': {
        const transcript = await transcribeWhoSaidWhat(
          input,
          engines,
          {
            ...job.whisper,
            speakers,
            customSpelling: job.customSpelling,
            channelDiarization: job.channelDiarization,
            diarizeAlongside: this.config.jobs.diarizeAlongside,
            // Beside the uploads (storage, not memory) the PCM waits while Whisper runs.
            parkSamplesIn: this.config.upload.dir,
          },
          {
            signal: hooks.signal,
            onProgress: contractProgress(TRANSCRIBE_PLAN, hooks.report),
            onSegment: hooks.onSegment,
          },
        );
        return { status: 'completed', kind: 'transcript', transcript, wordTimestamps: job.wordTimestamps };
      }
    }
  }
}

/** The engine's VAD as the pipeline's SpeechDetector, where it has one. */
function speechDetectorOf(speech: SpeechEngine): SpeechDetector | null {
  const detect = speech.detectSpeech?.bind(speech);
  return detect ? { detectSpeech: detect } : null;
}

function contractProgress(
  plan: StagePlan<PipelineStage>,
  report: PipelineHooks['report'],
): (stage: PipelineStage, percent: number) => void {
  return (stage, percent) => report(CONTRACT_STAGE[stage], Math.floor(overallPercent(plan, stage, percent)));
}
