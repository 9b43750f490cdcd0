import { AbortError, InvalidArgumentError, TranscriptionError, type SpeechError } from './errors';
import type { NativeJob } from './native-types';

/** The error to reject with when `signal` aborts, carrying its reason. */
export function abortErrorFor(signal: AbortSignal): AbortError {
  const reason: unknown = signal.reason;
  const detail =
    reason instanceof Error ? `: ${reason.message}` : typeof reason === 'string' ? `: ${reason}` : '';
  return new AbortError(`the operation was aborted${detail}`, { cause: reason });
}

/** Native rejections carry a code (ABORT_ERR, WHISPER_ERROR) or are argument errors thrown by C++. */
export function fromNativeError(error: unknown): SpeechError {
  if (
    error instanceof AbortError ||
    error instanceof TranscriptionError ||
    error instanceof InvalidArgumentError
  ) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  if ((error as { code?: unknown } | null)?.code === 'ABORT_ERR') return new AbortError();
  if (error instanceof TypeError || error instanceof RangeError) return new InvalidArgumentError(message);
  return new TranscriptionError(message, { cause: error });
}

/**
 * Waits for a native job, rejecting at once with an AbortError when `signal` fires (the job is told
 * to stop and frees its state when whisper.cpp next checks the flag). `track` receives a promise
 * that settles only when the native work has really ended, which is what close() must wait for.
 */
export function awaitNativeJob<T>(
  job: NativeJob<T>,
  signal: AbortSignal | undefined,
  track: (nativeWork: Promise<unknown>) => void,
): Promise<T> {
  track(
    job.promise.then(
      () => undefined,
      () => undefined,
    ),
  );
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      job.abort();
      reject(abortErrorFor(signal as AbortSignal));
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    job.promise
      .then(resolve, (error: unknown) => reject(fromNativeError(error)))
      .finally(() => signal?.removeEventListener('abort', onAbort));
  });
}
