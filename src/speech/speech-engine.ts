/** A word with Whisper's token timestamps, in seconds. */
export interface TranscribedWord {
  word: string;
  start: number;
  end: number;
  probability: number;
}

export interface TranscribedSegment {
  start: number;
  end: number;
  text: string;
  words: TranscribedWord[];
}

export interface Transcript {
  language: string;
  segments: TranscribedSegment[];
}

export interface SpeechRequest {
  language: string | null;
  temperature: number;
  noSpeechThreshold: number;
  initialPrompt: string;
  /** Percent of the audio transcribed, 0 to 100. */
  onProgress?: (percent: number) => void;
  /** Aborting stops the native work (whisper.cpp's abort callback) and rejects. */
  signal?: AbortSignal;
}

/**
 * Speech recognition as the worker needs it. The Whisper implementation loads its model once per
 * process; tests may provide another implementation (e.g. one that returns known words).
 */
export abstract class SpeechEngine {
  abstract transcribe(samples: Float32Array, request: SpeechRequest): Promise<Transcript>;
}
