import type { SpeakerTurn } from '../../libs/diarization';
import type { ResultEntry, Transcript } from '../../libs/pipeline';

/** Why a job failed: a closed set that clients and the OpenAI endpoint can tell apart without reading messages. */
export const JOB_FAILURE_CODES = [
  /** The file holds no audio ffmpeg can decode. */
  'unreadable_audio',
  /** The file decoded to no samples. */
  'empty_audio',
  /** Speaker turns were asked for on a worker without a segmentation model. */
  'diarization_unavailable',
  /** The job ran past JOB_TIMEOUT_MS. */
  'timeout',
  /** The worker stopped while the job ran and it could not be handed back. */
  'worker_shutdown',
  /** The queue gave the job up (its worker died or stalled). */
  'interrupted',
  /** Anything else: a fault of the server. */
  'internal',
] as const;
export type JobFailureCode = (typeof JOB_FAILURE_CODES)[number];

/** Failures caused by the input rather than by the server. */
export const INPUT_FAILURE_CODES: ReadonlySet<JobFailureCode> = new Set(['unreadable_audio', 'empty_audio']);

export interface JobFailure {
  code: JobFailureCode;
  /** One line for a human; never a server path. */
  message: string;
}

/** What a worker stores for a finished job: everything it learnt, rendered into each output at delivery. */
export type JobRecord =
  | { status: 'completed'; kind: 'transcript'; transcript: Transcript; wordTimestamps: boolean }
  | {
      status: 'completed';
      kind: 'speaker-turns';
      durationSeconds: number;
      exclusiveTurns: SpeakerTurn[];
      /** Set when speaker n is audio channel n (per-channel speakers). */
      channels?: number;
      /** As Transcript's warnings; absent from records stored before they existed. */
      warnings?: string[];
    }
  | ({ status: 'failed'; kind: 'failure' } & JobFailure);

/** What the previous version stored: the contract's body itself. */
export type LegacyRecord =
  | { status: 'completed'; kind: 'legacy'; results: ResultEntry[] | SpeakerTurn[] }
  | { status: 'failed'; kind: 'legacy'; error: string };

export type StoredRecord = JobRecord | LegacyRecord;

/** Marks the stored JSON as a JobRecord; the previous version's bodies have no such key. */
const RECORD_VERSION = 2;

export function encodeJobRecord(record: JobRecord): string {
  return JSON.stringify({ version: RECORD_VERSION, record });
}

/** The stored JSON of this version or of the previous one. */
export function decodeJobRecord(json: string): StoredRecord {
  const value = JSON.parse(json) as { version?: number; record?: JobRecord };
  if (value.version === RECORD_VERSION && value.record) return value.record;
  const legacy = value as
    { status: 'completed'; results: ResultEntry[] } | { status: 'failed'; error: string };
  return { ...legacy, kind: 'legacy' };
}
