import type { Stage } from '../jobs/job-catalogue';

/** One entry of a completed result: consecutive words of one speaker. */
export interface Utterance {
  speaker: number;
  start: number;
  end: number;
  text: string;
}

/** The four answers of GET /result/{task_id}, exactly as the contract shapes them. */
export type ResultBody =
  | { status: 'pending' }
  | { status: 'processing'; info: Stage; progress: number }
  | { status: 'completed'; results: Utterance[] }
  | { status: 'failed'; error: string };

export type FinishedBody = Extract<ResultBody, { status: 'completed' | 'failed' }>;
