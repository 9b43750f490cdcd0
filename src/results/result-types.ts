import type { SpeakerTurn } from '../../libs/diarization';
import type { ResultEntry } from '../../libs/pipeline';
import type { Stage } from '../jobs/job-catalogue';

/** The four answers of GET /result/{task_id}, exactly as the contract shapes them. */
export type ResultBody =
  | { status: 'pending' }
  | { status: 'processing'; info: Stage; progress: number }
  | { status: 'completed'; results: ResultEntry[] | SpeakerTurn[] }
  | { status: 'failed'; error: string };

export type FinishedBody = Extract<ResultBody, { status: 'completed' | 'failed' }>;
