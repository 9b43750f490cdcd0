import type { SpeakerCountOptions } from '../../libs/diarization';
import type { CallbackAuthHeader, TaskWebhookPayload } from '../../libs/webhooks';
import type { CustomSpelling } from '../../libs/pipeline';

/** Every queue and job of the app, with its payload type: producers and consumers share these names. */
export enum QueueName {
  Transcription = 'transcription',
  /** Webhook deliveries: in Redis, so that a delivery outlives the process that queued or tried it. */
  Webhooks = 'webhooks',
}

export enum JobName {
  Transcribe = 'transcribe',
  DeliverWebhook = 'deliver-webhook',
}

/** Whisper's parameters as a transcribe job carries them. */
export interface WhisperParams {
  /** A Whisper language code; null detects it. */
  language: string | null;
  temperature: number;
  noSpeechThreshold: number;
  initialPrompt: string;
  /** Put in Whisper's prompt after initialPrompt; absent: none (and from jobs of earlier versions). */
  hotwords?: string[];
}

interface JobBase {
  taskId: string;
  owner: string;
  /** The uploaded file, on storage that API and workers share: never the audio itself. */
  filePath: string;
  /** Where to POST the signed outcome when the job ends (already checked against the allow-list). */
  callbackUrl?: string;
  /** A header the receiver asked for on every delivery (already checked); a secret: never logged or returned. */
  callbackAuthHeader?: CallbackAuthHeader;
  /** Exact count or bounds, already checked (see speaker-fields.ts). */
  speakers: SpeakerCountOptions;
  /** The file's name as the client gave it (an audio_url's last path segment), for GET /tasks. */
  originalName?: string;
  /** How long the result and the task's record are kept after the job ends (delete_after); absent: RESULT_TTL_MS. */
  retentionMs?: number;
  /** One speaker per audio channel instead of diarization (channel count checked at upload). */
  channelDiarization?: boolean;
}

/** Who said what (POST /transcribe, the OpenAI endpoint). */
export interface TranscribeJobData extends JobBase {
  kind: 'transcribe';
  whisper: WhisperParams;
  /** Adds `words` to each result entry (an addition; off keeps the contract's shape). */
  wordTimestamps: boolean;
  /** Whole words respelled in every output; absent: none. */
  customSpelling?: CustomSpelling;
}

/** Speaker turns only (POST /diarize): no Whisper parameters. */
export interface DiarizeJobData extends JobBase {
  kind: 'diarize';
}

export type JobData = TranscribeJobData | DiarizeJobData;
export type JobKind = JobData['kind'];

/** A job queued by the previous version, which a worker of this one may still take after an upgrade. */
export interface LegacyJobData extends Omit<JobBase, 'speakers'> {
  kind?: undefined;
  mode?: JobKind;
  params: WhisperParams & {
    speakerCount: number | null;
    minSpeakers?: number;
    maxSpeakers?: number;
    wordTimestamps?: boolean;
  };
}

/** Every job as this version reads it, whichever version queued it. */
export function readJobData(data: JobData | LegacyJobData): JobData {
  if (data.kind !== undefined) return data;
  const { params, mode, ...base } = data;
  const speakers = {
    numSpeakers: params.speakerCount,
    minSpeakers: params.minSpeakers,
    maxSpeakers: params.maxSpeakers,
  };
  if (mode === 'diarize') return { ...base, kind: 'diarize', speakers };
  const { language, temperature, noSpeechThreshold, initialPrompt } = params;
  return {
    ...base,
    kind: 'transcribe',
    speakers,
    whisper: { language, temperature, noSpeechThreshold, initialPrompt },
    wordTimestamps: params.wordTimestamps === true,
  };
}

/** One webhook delivery: everything needed to send it again from any worker, after any restart. */
export interface WebhookJobData {
  /** The `X-Webhook-Id` header: chosen once, so every attempt carries the same one. */
  deliveryId: string;
  taskId: string;
  url: string;
  payload: TaskWebhookPayload;
  authHeader?: CallbackAuthHeader;
  /** Attempts sent so far, kept in Redis: `X-Webhook-Attempt` keeps counting across restarts. */
  attemptsSent: number;
}

/** What Bull carries under each job name. */
export interface JobPayloads {
  [JobName.Transcribe]: JobData | LegacyJobData;
  [JobName.DeliverWebhook]: WebhookJobData;
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
