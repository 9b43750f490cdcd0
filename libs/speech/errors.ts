/** Base of every error this library throws, so callers can tell them from their own. */
export class SpeechError extends Error {
  override readonly name: string = 'SpeechError';
}

/** The native addon is not built or cannot be loaded. */
export class NativeBindingNotFoundError extends SpeechError {
  override readonly name = 'NativeBindingNotFoundError';
}

/** A model file is missing, unreadable or not a model whisper.cpp can load. */
export class ModelLoadError extends SpeechError {
  override readonly name = 'ModelLoadError';
}

/** An argument has the wrong type or is out of range; nothing was started. */
export class InvalidArgumentError extends SpeechError {
  override readonly name = 'InvalidArgumentError';
}

/** The caller's AbortSignal fired: the work was stopped and its native state freed. */
export class AbortError extends SpeechError {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';
  constructor(message = 'the operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The model was closed: it accepts no more work. */
export class DisposedError extends SpeechError {
  override readonly name = 'DisposedError';
}

/** whisper.cpp failed while transcribing or detecting speech. */
export class TranscriptionError extends SpeechError {
  override readonly name = 'TranscriptionError';
}
