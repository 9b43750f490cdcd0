import { AudioDecodeError } from '../../libs/audio';
import {
  ChannelLayoutError,
  DiarizationUnavailableError,
  EmptyAudioError,
  SpeechDetectionUnavailableError,
} from '../../libs/pipeline';
import type { JobFailure, JobFailureCode } from '../jobs/job-record';

/** The job ran past JOB_TIMEOUT_MS; its work was aborted. */
export class JobTimeoutError extends Error {
  override readonly name = 'JobTimeoutError';

  constructor(readonly limitMs: number) {
    super(
      `processing took longer than the limit of ${formatDuration(limitMs)} (JOB_TIMEOUT_MS) and was stopped`,
    );
  }
}

/** The worker process is stopping; jobs in progress are aborted rather than left to run unowned. */
export class WorkerShutdownError extends Error {
  override readonly name = 'WorkerShutdownError';

  constructor() {
    super('the worker was shut down while processing this task; please submit the file again');
  }
}

/** The owner cancelled the task (DELETE /result/{task_id}); nothing is stored for it. */
export class JobCancelledError extends Error {
  override readonly name = 'JobCancelledError';

  constructor() {
    super('the task was cancelled');
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${trim(ms / 1000)} s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

function trim(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/**
 * The one-line message a client gets for a failed job. The abort reason wins over whatever the
 * aborted call threw; the server's own paths never reach the client.
 */
export function describeJobFailure(error: unknown, signal: AbortSignal, filePath: string): string {
  const cause = signal.aborted && signal.reason instanceof Error ? signal.reason : error;
  const raw = cause instanceof Error ? cause.message : String(cause);
  const firstLine = raw.split(/\r?\n/).find((line) => line.trim() !== '') ?? 'unknown error';
  return firstLine
    .replaceAll(filePath, 'input')
    .replace(ABSOLUTE_PATH, '$1(a server file)')
    .trim()
    .slice(0, 500);
}

/** Any other absolute path with two or more segments (a model, a temporary file): never shown to clients. */
const ABSOLUTE_PATH = /(^|[\s'"(=])\/[^\s'"()/]+\/[^\s'"()]*/g;

/** The stored failure of a job: its code from the error's class (never its message), and its message. */
export function classifyJobFailure(error: unknown, signal: AbortSignal, filePath: string): JobFailure {
  return { code: failureCode(error, signal), message: describeJobFailure(error, signal, filePath) };
}

function failureCode(error: unknown, signal: AbortSignal): JobFailureCode {
  const cause = signal.aborted ? signal.reason : error;
  if (cause instanceof JobTimeoutError) return 'timeout';
  if (cause instanceof WorkerShutdownError) return 'worker_shutdown';
  if (cause instanceof AudioDecodeError) return 'unreadable_audio';
  if (cause instanceof EmptyAudioError) return 'empty_audio';
  if (cause instanceof DiarizationUnavailableError) return 'diarization_unavailable';
  if (cause instanceof SpeechDetectionUnavailableError) return 'diarization_unavailable';
  // The upload's channels were checked when it was accepted; a file that decodes otherwise is its own fault.
  if (cause instanceof ChannelLayoutError) return 'unreadable_audio';
  return 'internal';
}
