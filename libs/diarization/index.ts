export { Diarizer } from './diarizer';
export type { Diarization, DiarizeOptions, DiarizerOptions } from './diarizer';
export type { SpeakerTurn } from './turns';
export { assignSpeakers, groupUtterances, DEFAULT_MAX_GAP_SECONDS, DEFAULT_MAX_PAUSE_SECONDS } from './words';
export type { SpeakerWord, TimedWord, Utterance } from './words';
export { computeDer } from './der';
export type { DerResult, ScoredTurn } from './der';
export { resolveSpeakerBounds, DEFAULT_MAX_SPEAKERS } from './speaker-bounds';
export type { SpeakerCountOptions } from './speaker-bounds';
export type { ExecutionProvider } from './onnx-session';
export { FbankExtractor } from './fbank';
export type { FbankOptions } from './fbank';
export {
  AbortError,
  DiarizationError,
  DiarizerClosedError,
  InferenceError,
  InvalidArgumentError,
  ModelLoadError,
} from './errors';
