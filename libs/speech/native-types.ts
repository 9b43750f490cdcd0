/** The addon's surface (native/src/addon.cc), typed in one place. */

/** An opaque handle to a loaded whisper_context. */
export type NativeModel = { readonly __nativeModel: unique symbol };

export interface NativeJob<T> {
  promise: Promise<T>;
  /** Raises the flag that whisper.cpp's abort callbacks read; the promise then rejects with code ABORT_ERR. */
  abort(): void;
}

export interface NativeModelInfo {
  type: string;
  multilingual: boolean;
  vocabularySize: number;
  audioContext: number;
  audioState: number;
  audioLayers: number;
  textContext: number;
  textState: number;
  textLayers: number;
  mels: number;
  ftype: number;
  /** Token ids from here up are special (end of text, language, timestamps...). */
  tokenEot: number;
}

export interface NativeTranscribeOptions {
  language: string;
  translate?: boolean;
  temperature: number;
  temperatureIncrement: number;
  noSpeechThreshold: number;
  initialPrompt: string;
  /** Keep the initial prompt in front of every 30-s window's prompt (whisper.cpp's carry_initial_prompt). */
  carryInitialPrompt?: boolean;
  threads: number;
  tokenTimestamps: boolean;
  bestOf?: number;
  beamSize?: number;
}

export interface NativeToken {
  id: number;
  /** Raw UTF-8 bytes: one character may be split over several tokens. */
  bytes: Uint8Array;
  p: number;
  /** Centiseconds of the audio given to whisper.cpp. */
  t0: number;
  t1: number;
}

export interface NativeSegment {
  t0: number;
  t1: number;
  text: string;
  noSpeechProb: number;
  tokens: NativeToken[];
}

/** What transcribe's onSegment receives, as whisper.cpp emits each segment. */
export interface NativeNewSegment {
  /** Centiseconds of the audio given to whisper.cpp. */
  t0: number;
  t1: number;
  text: string;
}

export interface NativeTranscription {
  language: string;
  segments: NativeSegment[];
}

export interface NativeSpeechProbabilities {
  probabilities: Float32Array;
  windowSamples: number;
}

/** One of ggml's compute devices. */
export interface NativeBackendDevice {
  name: string;
  description: string;
  kind: 'cpu' | 'gpu' | 'igpu' | 'accel' | 'other';
}

export interface NativeBinding {
  version(): { whisper: string; system: string };
  backendDevices(): NativeBackendDevice[];
  liveResources(): { contexts: number; states: number; vadContexts: number };
  setLogHandler(handler: ((level: number, text: string) => void) | null, minLevel?: number): void;
  loadModel(
    path: string,
    options: { useGpu: boolean; gpuDevice: number; flashAttention: boolean },
  ): Promise<NativeModel>;
  freeModel(model: NativeModel): Promise<void>;
  modelInfo(model: NativeModel): NativeModelInfo;
  transcribe(
    model: NativeModel,
    samples: Float32Array,
    options: NativeTranscribeOptions,
    onProgress?: (percent: number) => void,
    onSegment?: (segment: NativeNewSegment) => void,
  ): NativeJob<NativeTranscription>;
  detectSpeech(
    vadModelPath: string,
    samples: Float32Array,
    options: { threads: number },
    onProgress?: (percent: number) => void,
  ): NativeJob<NativeSpeechProbabilities>;
}
