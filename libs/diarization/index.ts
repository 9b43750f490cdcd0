export { Diarizer } from './diarizer';
export type { Diarization, DiarizeOptions, DiarizerOptions } from './diarizer';
export type { SpeakerTurn } from './reconstruction';
export { assignSpeakers, groupUtterances, DEFAULT_MAX_GAP_SECONDS, DEFAULT_MAX_PAUSE_SECONDS } from './words';
export type { SpeakerWord, TimedWord, Utterance } from './words';
export { aggregateDer, clipTurns, computeDer, pairRecordings, parseRttm, parseUem } from './scoring';
export type { DerResult, ParsedRttmTurn, Recording, RecordingPair, ScoredTurn } from './scoring';
export { resolveSpeakerBounds, DEFAULT_MAX_SPEAKERS } from './speaker-bounds';
export type { SpeakerCountOptions } from './speaker-bounds';
export type { ExecutionProvider } from './inference';
export { FbankExtractor } from './embeddings';
export type { FbankOptions } from './embeddings';
export {
  AbortError,
  DiarizationError,
  DiarizerClosedError,
  InferenceError,
  InvalidArgumentError,
  ModelLoadError,
} from './errors';
export {
  compareSegmentations,
  embeddingStepDrift,
  formatParityRun,
  isParityFolder,
  readParityFixture,
  runParity,
  segmentAudio,
} from './parity';
export type {
  EmbeddingStepDrift,
  ParityFixture,
  ParityReport,
  ParityRun,
  SegmentationAgreement,
} from './parity';
