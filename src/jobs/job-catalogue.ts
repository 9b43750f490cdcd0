/** Every queue and job of the app, with its payload type: producers and consumers share these names. */
export enum QueueName {
  Transcription = 'transcription',
}

export enum JobName {
  Transcribe = 'transcribe',
}

/** The contract's form fields after validation, in the library's terms. */
export interface TranscriptionParams {
  speakerCount: number;
  language: string | null;
  temperature: number;
  noSpeechThreshold: number;
  initialPrompt: string;
}

/** Carries a path to the uploaded file (on storage that API and workers share), never the audio itself. */
export interface TranscribeJobData {
  taskId: string;
  owner: string;
  filePath: string;
  params: TranscriptionParams;
}

export interface JobPayloads {
  [JobName.Transcribe]: TranscribeJobData;
}

/** The stages a client sees, exactly as the contract names them. */
export const STAGES = ['initializing', 'transcribing', 'diarizing', 'combining'] as const;
export type Stage = (typeof STAGES)[number];

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
