/** Base class of every error the diarization library throws on purpose. */
export class DiarizationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A caller's argument is out of range or contradicts another one (e.g. minSpeakers > maxSpeakers). */
export class InvalidArgumentError extends DiarizationError {}

/** An ONNX model could not be read, opened, or does not have the expected inputs, outputs or metadata. */
export class ModelLoadError extends DiarizationError {}

/** ONNX Runtime failed while running a model on otherwise valid input. */
export class InferenceError extends DiarizationError {}

/** The caller's AbortSignal fired; named 'AbortError' like the platform's own abort errors. */
export class AbortError extends DiarizationError {
  constructor(message = 'diarization was aborted', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/** The Diarizer was used after close(). */
export class DiarizerClosedError extends DiarizationError {}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
