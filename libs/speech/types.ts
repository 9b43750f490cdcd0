export interface LoadModelOptions {
  /** A ggml Whisper model (ggml-*.bin). */
  modelPath: string;
  /** Use a GPU backend where the addon was built with one (CUDA); ignored by CPU builds. Default true. */
  useGpu?: boolean;
  /** Which GPU, where there are several. Default 0. */
  gpuDevice?: number;
  /** Flash attention in the encoder/decoder (whisper.cpp's default). Default true. */
  flashAttention?: boolean;
}

export interface ModelInfo {
  /** tiny, base, small, medium, large, or what whisper.cpp calls an unknown size. */
  type: 'tiny' | 'base' | 'small' | 'medium' | 'large' | (string & {});
  multilingual: boolean;
  vocabularySize: number;
  /** Encoder positions (1500 = 30 s) and decoder context (448 tokens). */
  audioContext: number;
  textContext: number;
  audioLayers: number;
  textLayers: number;
  audioState: number;
  textState: number;
  mels: number;
  /** ggml file type of the weights (0 f32, 1 f16, quantized types above). */
  ftype: number;
}

export interface VadOptions {
  /** Silero VAD model in whisper.cpp's ggml format (ggml-silero-v*.bin). */
  modelPath: string;
  /** Speech probability from which a window counts as speech. Default 0.5. */
  threshold?: number;
  /** Shorter speech is dropped. Default 250. */
  minSpeechDurationMs?: number;
  /** Silence this long ends a speech region. Default 100. */
  minSilenceDurationMs?: number;
  /** Longer regions are split (at a pause where there is one). Default: no limit. */
  maxSpeechDurationS?: number;
  /** Padding added on both sides of each region. Default 30. */
  speechPadMs?: number;
}

export interface TranscribeOptions {
  /** A Whisper language code; null, '' or 'auto' detect it. */
  language?: string | null;
  /** Initial sampling temperature, 0..1. Default 0. */
  temperature?: number;
  /** Fallback step when a window decodes badly (0 disables fallback). Default 0.2. */
  temperatureIncrement?: number;
  /** A window whose no-speech probability exceeds this (and decodes poorly) is skipped. Default 0.6. */
  noSpeechThreshold?: number;
  /** Text the decoder is conditioned on, e.g. vocabulary or style. */
  initialPrompt?: string;
  /**
   * Words or short phrases Whisper should expect (names, jargon): placed in the prompt after
   * `initialPrompt` and kept in front of every window's prompt. At most MAX_HOTWORDS entries whose
   * prompt text stays within MAX_HOTWORDS_PROMPT_BYTES (see hotwords.ts). Default none.
   */
  hotwords?: readonly string[];
  /** CPU threads for this call. Default min(4, cores). */
  threads?: number;
  /** Skip silence with Silero VAD; all times stay in seconds of the original audio. */
  vad?: VadOptions | null;
  /** Word-level times from whisper.cpp's token timestamps. Default true. */
  wordTimestamps?: boolean;
  /** 0..100, rising, 100 on success; never called after the promise settles. */
  onProgress?: (percent: number) => void;
  /**
   * Each Whisper segment as soon as whisper.cpp emits it, in order (times in seconds of the original
   * audio, as in the result); never called after the promise settles. Exceptions it throws are ignored.
   */
  onSegment?: (segment: NewSegment) => void;
  /** Aborting rejects the call with an AbortError at once and stops the native work. */
  signal?: AbortSignal;
  /**
   * Called once the call no longer reads `samples`, so that the caller may free them before
   * Whisper's own peak: with VAD once the speech is cut out of them (awaited before Whisper
   * starts), without VAD once the addon has its copy.
   */
  onSamplesConsumed?: () => void | Promise<void>;
}

export interface Word {
  word: string;
  start: number;
  end: number;
  probability: number;
}

export interface Segment {
  start: number;
  end: number;
  text: string;
  noSpeechProb: number;
  /**
   * Mean natural log of the probabilities Whisper gave the segment's tokens (timestamps included), as
   * openai-whisper's `avg_logprob`; 0 for a segment without tokens. Absent from transcripts stored
   * before it was kept (and from scripted stand-ins).
   */
  avgLogprob?: number;
  words: Word[];
}

/** A segment as whisper.cpp emits it, before the call ends: no words, no speaker yet. */
export interface NewSegment {
  start: number;
  end: number;
  text: string;
}

export interface SpeechRegion {
  start: number;
  end: number;
}

export interface Transcription {
  /** The requested or detected language; '' when detection had no speech to listen to. */
  language: string;
  segments: Segment[];
  /** Where VAD found speech (seconds of the original audio); [] without VAD. */
  speechRegions: SpeechRegion[];
}
