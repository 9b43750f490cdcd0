import {
  assignSpeakers,
  type Diarization,
  groupUtterances,
  type SpeakerCountOptions,
  type Utterance,
} from '../diarization';
import type { DecodedAudio } from '../audio';
import type { NewSegment, Transcription } from '../speech';
import { diarizeEachChannel, transcribeEachChannel } from './channels';
import { type CustomSpelling, respellTranscript } from './custom-spelling';
import { DiarizationUnavailableError, EmptyAudioError } from './errors';
import type { AudioDecoder, DiarizationEngine, SpeechDetector, SpeechEngine } from './ports';
import { SamplesOnDisk } from './samples-on-disk';
import { sideBySide } from './side-by-side';
import type { PipelineStage } from './stages';
import type { SpeakerTurns, Transcript } from './transcript';
import { whisperRequest } from './whisper-request';

/** Whisper and the segmentation model both take 16 kHz mono. */
export const PIPELINE_SAMPLE_RATE = 16000;

/** A file to decode, or audio already decoded at PIPELINE_SAMPLE_RATE. */
export type AudioInput = { filePath: string } | { samples: Float32Array };

export interface PipelineEngines {
  decoder: AudioDecoder;
  speech: SpeechEngine;
  /** null where no diarization is installed: every word then goes to speaker 0. */
  diarization: DiarizationEngine | null;
  /** VAD, for per-channel speaker turns without transcription; absent where none is installed. */
  speechDetector?: SpeechDetector | null;
}

export interface WhoSaidWhatOptions {
  /** A Whisper language code; null detects it. */
  language: string | null;
  temperature?: number;
  noSpeechThreshold?: number;
  initialPrompt?: string;
  /** Exact count or bounds; precedence is libs/diarization's resolveSpeakerBounds. */
  speakers?: SpeakerCountOptions;
  /** Words Whisper should expect, put in its prompt after `initialPrompt` (libs/speech's hotwords). */
  hotwords?: string[];
  /** Whole words written as the caller spells them, in every text of the transcript. */
  customSpelling?: CustomSpelling;
  /** Each channel is one speaker (0 = left, 1 = right, ...): no diarization, 2 to 8 channels. */
  channelDiarization?: boolean;
  /**
   * Diarize while Whisper transcribes (planStageSchedule decides where that pays); the result is
   * the same as one after the other. Default false.
   */
  diarizeAlongside?: boolean;
  /**
   * One after the other: a folder on disk where the decoded audio waits while Whisper runs, its
   * memory freed meanwhile (an unnamed file, read back for diarization). Absent: it stays in memory.
   */
  parkSamplesIn?: string | null;
}

export interface PipelineHooks {
  /** Stops the decoder and the native work, and rejects. */
  signal?: AbortSignal;
  /** Each stage as it starts (at 0) and as it advances, in its own percent. */
  onProgress?: (stage: PipelineStage, percentOfStage: number) => void;
  /** Each Whisper segment as soon as it is transcribed (no speaker yet); see TranscribeOptions.onSegment. */
  onSegment?: (segment: NewSegment) => void;
}

export const NO_DIARIZATION_WARNING = 'no speaker diarization installed: every word is given to speaker 0';

/**
 * Who said what: decode -> transcribe -> diarize (where an engine is given; optionally while
 * transcribing) -> give each word the speaker overlapping it most -> join consecutive words of one
 * speaker. The server's worker and the CLI both run this; they differ only in how they report progress
 * and render the transcript.
 */
export async function transcribeWhoSaidWhat(
  input: AudioInput,
  engines: PipelineEngines,
  options: WhoSaidWhatOptions,
  hooks: PipelineHooks = {},
): Promise<Transcript> {
  const transcript = options.channelDiarization
    ? await transcribeEachChannel(input, engines, options, hooks)
    : await transcribeMixed(input, engines, options, hooks);
  return options.customSpelling ? respellTranscript(transcript, options.customSpelling) : transcript;
}

/**
 * Who said what in one mix of every voice: the speakers come from diarization. The decoded samples are
 * one array that both engines read.
 */
async function transcribeMixed(
  input: AudioInput,
  engines: PipelineEngines,
  options: WhoSaidWhatOptions,
  hooks: PipelineHooks,
): Promise<Transcript> {
  const report = hooks.onProgress ?? (() => undefined);
  const diarizationEngine = engines.diarization;
  // One after the other, diarization's audio can wait on disk while Whisper runs.
  const parkIn = diarizationEngine && !options.diarizeAlongside ? (options.parkSamplesIn ?? null) : null;
  const { samples, warnings } = await decode(input, engines.decoder, hooks, parkIn !== null);
  hooks.signal?.throwIfAborted();
  const durationSeconds = samples.length / PIPELINE_SAMPLE_RATE;
  let transcription: Transcription;
  let diarization: Pick<Diarization, 'turns' | 'exclusiveTurns'> | null = null;
  if (!diarizationEngine) {
    transcription = await transcribe(samples, engines.speech, options, hooks);
  } else if (options.diarizeAlongside) {
    const { onSegment } = hooks;
    ({ transcription, diarization } = await sideBySide(
      (signal, onProgress) => transcribe(samples, engines.speech, options, { signal, onProgress, onSegment }),
      (signal, onProgress) => diarize(samples, diarizationEngine, options.speakers, { signal, onProgress }),
      hooks,
    ));
  } else {
    const parking: { parked: SamplesOnDisk | null } = { parked: null };
    const park =
      parkIn === null
        ? undefined
        : async (): Promise<void> => {
            parking.parked = await SamplesOnDisk.park(samples, parkIn);
          };
    try {
      transcription = await transcribe(samples, engines.speech, options, hooks, park);
      const audio = parking.parked ? await parking.parked.restore() : samples;
      diarization = await diarize(audio, diarizationEngine, options.speakers, hooks);
    } finally {
      await parking.parked?.close();
    }
  }

  report('combining', 0);
  const transcript: Transcript = {
    language: transcription.language,
    durationSeconds,
    segments: transcription.segments,
    utterances: [],
    turns: null,
    speechRegions: transcription.speechRegions,
    warnings: [...warnings],
  };
  if (!diarization) {
    transcript.utterances = speakerZeroUtterances(transcription);
    transcript.warnings.push(NO_DIARIZATION_WARNING);
    return transcript;
  }
  const words = transcription.segments.flatMap((segment) => segment.words);
  transcript.utterances = groupUtterances(assignSpeakers(words, diarization.exclusiveTurns));
  transcript.turns = diarization.turns;
  return transcript;
}

/** Who speaks when, without transcription: decode -> diarize (or each channel's speech, per channel). */
export async function diarizeSpeakerTurns(
  input: AudioInput,
  engines: Pick<PipelineEngines, 'decoder' | 'diarization' | 'speechDetector'>,
  options: Pick<WhoSaidWhatOptions, 'speakers' | 'channelDiarization'>,
  hooks: PipelineHooks = {},
): Promise<SpeakerTurns> {
  if (options.channelDiarization) return diarizeEachChannel(input, engines, hooks);
  if (!engines.diarization) throw new DiarizationUnavailableError();
  const { samples, warnings } = await decode(input, engines.decoder, hooks);
  hooks.signal?.throwIfAborted();
  const diarization = await diarize(samples, engines.diarization, options.speakers, hooks);
  return {
    durationSeconds: samples.length / PIPELINE_SAMPLE_RATE,
    exclusiveTurns: diarization.exclusiveTurns,
    turns: diarization.turns,
    warnings,
  };
}

/** Without diarization: Whisper's own segments, all given to speaker 0. */
export function speakerZeroUtterances(transcription: Pick<Transcription, 'segments'>): Utterance[] {
  return transcription.segments.map((segment) => ({
    speaker: 0,
    start: segment.start,
    end: segment.end,
    text: segment.text,
    words: segment.words.map((word) => ({ ...word, speaker: 0 })),
  }));
}

/** Samples given are taken as whole: only a decode can fall short of its file. */
async function decode(
  input: AudioInput,
  decoder: AudioDecoder,
  hooks: PipelineHooks,
  releasable = false,
): Promise<Pick<DecodedAudio, 'samples' | 'warnings'>> {
  hooks.onProgress?.('decoding', 0);
  const decoded =
    'samples' in input
      ? { samples: input.samples, warnings: [] }
      : await decoder.decode(input.filePath, {
          sampleRate: PIPELINE_SAMPLE_RATE,
          signal: hooks.signal,
          releasable,
        });
  if (decoded.samples.length === 0) throw new EmptyAudioError();
  hooks.onProgress?.('decoding', 100);
  return decoded;
}

async function transcribe(
  samples: Float32Array,
  engine: SpeechEngine,
  options: WhoSaidWhatOptions,
  { signal, onProgress, onSegment }: PipelineHooks,
  onSamplesConsumed?: () => Promise<void>,
): Promise<Transcription> {
  signal?.throwIfAborted();
  onProgress?.('transcribing', 0);
  const transcription = await engine.transcribe(samples, {
    ...whisperRequest(options),
    signal,
    onProgress: (percent) => onProgress?.('transcribing', percent),
    onSegment,
    onSamplesConsumed,
  });
  signal?.throwIfAborted();
  return transcription;
}

async function diarize(
  samples: Float32Array,
  engine: DiarizationEngine,
  speakers: SpeakerCountOptions = {},
  { signal, onProgress }: PipelineHooks,
): Promise<Pick<Diarization, 'turns' | 'exclusiveTurns'>> {
  onProgress?.('diarizing', 0);
  const diarization = await engine.diarize(samples, {
    // The diarizer's options leave out what was not given (null included).
    numSpeakers: speakers.numSpeakers ?? undefined,
    minSpeakers: speakers.minSpeakers ?? undefined,
    maxSpeakers: speakers.maxSpeakers ?? undefined,
    signal,
    onProgress: (percent) => onProgress?.('diarizing', percent),
  });
  signal?.throwIfAborted();
  return diarization;
}
