import type { Stage } from '../jobs/job-catalogue';

/** A word with its own times (seconds), when the client asked for word_timestamps. */
export interface WordEntry {
  word: string;
  start: number;
  end: number;
  probability: number;
  speaker: number;
}

/** One entry of a completed result: consecutive words of one speaker. */
export interface Utterance {
  speaker: number;
  start: number;
  end: number;
  text: string;
  /** Only with word_timestamps=true; absent otherwise, so the contract's shape stays exact. */
  words?: WordEntry[];
}

/** One entry of a completed POST /diarize result: a speaker turn. */
export interface SpeakerTurnEntry {
  speaker: number;
  start: number;
  end: number;
}

/** The four answers of GET /result/{task_id}, exactly as the contract shapes them. */
export type ResultBody =
  | { status: 'pending' }
  | { status: 'processing'; info: Stage; progress: number }
  | { status: 'completed'; results: Utterance[] | SpeakerTurnEntry[] }
  | { status: 'failed'; error: string };

export type FinishedBody = Extract<ResultBody, { status: 'completed' | 'failed' }>;
