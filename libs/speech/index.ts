/** Typed, framework-free speech recognition over the whisper.cpp addon (native/). */
export { WhisperModel } from './model';
export { detectSpeech } from './speech-detection';
export {
  AbortError,
  DisposedError,
  InvalidArgumentError,
  ModelLoadError,
  NativeBindingNotFoundError,
  SpeechError,
  TranscriptionError,
} from './errors';
export { WHISPER_LANGUAGES, WHISPER_LANGUAGE_NAMES, isAutoLanguage, isWhisperLanguage } from './languages';
export { setSpeechLogHandler } from './log';
export { hotwordsProblem, MAX_HOTWORD_CHARS, MAX_HOTWORDS, MAX_HOTWORDS_PROMPT_BYTES } from './hotwords';
export type { SpeechLogLevel } from './log';
export { speechRegions, compactSpeech, toOriginalSeconds, SAMPLE_RATE } from './vad-regions';
export type { VadParameters, SampleRange, CompactedAudio } from './vad-regions';
export { loadBinding } from './binding';
export { gpuFallbackReason, parseSystemInfo, speechRuntimeInfo } from './runtime-info';
export type { BackendDevice, SpeechRuntimeInfo } from './runtime-info';
export type {
  LoadModelOptions,
  ModelInfo,
  NewSegment,
  Segment,
  SpeechRegion,
  TranscribeOptions,
  Transcription,
  VadOptions,
  Word,
} from './types';
