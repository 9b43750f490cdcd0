import type { TranscribedWord } from '../speech/speech-engine';

/** A stretch of audio given to one speaker (exclusive: at most one speaker at a time). */
export interface SpeakerTurn {
  speaker: number;
  start: number;
  end: number;
}

/** A word given to a speaker. */
export interface SpeakerWord {
  word: string;
  start: number;
  end: number;
  probability?: number;
  speaker: number;
}

/** Consecutive words of one speaker. */
export interface SpeakerUtterance {
  speaker: number;
  start: number;
  end: number;
  text: string;
  words?: SpeakerWord[];
}

export interface DiarizationRequest {
  /** Exact count; null: automatic within minSpeakers..maxSpeakers (when given). */
  speakerCount: number | null;
  minSpeakers?: number;
  maxSpeakers?: number;
  signal?: AbortSignal;
  /** Percent done, 0 to 100. */
  onProgress?: (percent: number) => void;
}

/**
 * Speaker diarization as the worker needs it. `available` is false where no segmentation model
 * (or no diarization library) is installed; the worker then gives every word to speaker 0.
 */
export abstract class DiarizationEngine {
  abstract readonly available: boolean;

  abstract diarize(samples: Float32Array, request: DiarizationRequest): Promise<SpeakerTurn[]>;

  /** Gives each word the speaker overlapping it most and joins consecutive words of one speaker. */
  abstract attribute(words: TranscribedWord[], turns: SpeakerTurn[]): SpeakerUtterance[];
}
