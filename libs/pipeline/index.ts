/** "Who said what": one framework-free pipeline that the server's worker and the CLI both run. */
export type {
  AudioDecoder,
  DecodeRequest,
  DiarizationEngine,
  SpeechDetector,
  SpeechEngine,
  SpeechRequest,
} from './ports';
export type { SpeakerTurns, Transcript } from './transcript';
export {
  ChannelLayoutError,
  DiarizationUnavailableError,
  EmptyAudioError,
  SpeechDetectionUnavailableError,
} from './errors';
export {
  channelCountProblem,
  diarizeEachChannel,
  MAX_SPEAKER_CHANNELS,
  transcribeEachChannel,
  type ChannelAudioInput,
} from './channels';
export {
  CUSTOM_SPELLING_LIMITS,
  customSpellingProblem,
  respeller,
  respellTranscript,
  type CustomSpelling,
} from './custom-spelling';
export {
  DIARIZE_ALONGSIDE_MODES,
  planStageSchedule,
  type CoreBudget,
  type DiarizeAlongsideMode,
  type StageSchedule,
} from './stage-schedule';
export { overallPercent, PIPELINE_STAGES, type PipelineStage, type StagePlan } from './stages';
export {
  diarizeSpeakerTurns,
  NO_DIARIZATION_WARNING,
  PIPELINE_SAMPLE_RATE,
  speakerZeroUtterances,
  transcribeWhoSaidWhat,
  type AudioInput,
  type PipelineEngines,
  type PipelineHooks,
  type WhoSaidWhatOptions,
} from './who-said-what';
export {
  channelSpeakerNumbers,
  numberTurns,
  toResultEntries,
  toTurnEntries,
  type NumberedEntries,
  type ResultEntry,
  type ResultWord,
} from './entries';
