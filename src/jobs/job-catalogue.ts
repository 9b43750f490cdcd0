/** Every queue and job of the app, with its payload type: producers and consumers share these names. */
export enum QueueName {
  Transcription = 'transcription',
}

export enum JobName {
  Transcribe = 'transcribe',
}

/** The contract's form fields after validation, in the library's terms. */
export interface TranscriptionParams {
  /** Exact number of speakers; null: automatic, within minSpeakers..maxSpeakers when given. */
  speakerCount: number | null;
  minSpeakers?: number;
  maxSpeakers?: number;
  language: string | null;
  temperature: number;
  noSpeechThreshold: number;
  initialPrompt: string;
  /** Adds `words` to each result entry (an addition; off keeps the contract's shape). */
  wordTimestamps?: boolean;
}

/** `transcribe`: the contract's who-said-what; `diarize`: speaker turns only (POST /diarize). */
export type JobMode = 'transcribe' | 'diarize';

/** Carries a path to the uploaded file (on storage that API and workers share), never the audio itself. */
export interface TranscribeJobData {
  taskId: string;
  owner: string;
  filePath: string;
  params: TranscriptionParams;
  /** Absent: `transcribe` (jobs queued before this field existed). */
  mode?: JobMode;
  /** Where to POST the signed outcome when the job ends (already checked against the allow-list). */
  callbackUrl?: string;
}

export interface JobPayloads {
  [JobName.Transcribe]: TranscribeJobData;
}

/** The stages a client sees, exactly as the contract names them. */
export const STAGES = ['initializing', 'transcribing', 'diarizing', 'combining'] as const;
export type Stage = (typeof STAGES)[number];

/** What the worker's handler returns for a job that ran: Bull hands it to 'completed' listeners. */
export interface JobOutcome {
  /** Length of the decoded audio, exact (from the samples, not a container header). */
  audioSeconds: number | null;
}

export function isJobOutcome(value: unknown): value is JobOutcome {
  return typeof value === 'object' && value !== null && 'audioSeconds' in value;
}

/** What a worker stores with job.progress(). */
export interface JobProgress {
  stage: Stage;
  percent: number;
}

export function isJobProgress(value: unknown): value is JobProgress {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<JobProgress>;
  return (
    typeof candidate.stage === 'string' &&
    (STAGES as readonly string[]).includes(candidate.stage) &&
    typeof candidate.percent === 'number'
  );
}
