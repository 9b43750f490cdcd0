import type { NativeNewSegment } from './native-types';
import type { NewSegment } from './types';

/**
 * Keeps the caller's onSegment promise: every segment of the result exactly once, in order, in
 * seconds of the original audio, text trimmed, all before the call resolves, none after it settles.
 * The native reports are a prefix of the result's segments; those still queued in the thread-safe
 * function when the native promise settles (Node runs the worker's completion before them) are taken
 * from the result instead. Exceptions thrown by the callback are ignored: a live display must not
 * break a transcription.
 */
export class SegmentForwarder {
  private done = false;
  private reported = 0;

  constructor(
    private readonly callback: ((segment: NewSegment) => void) | undefined,
    private readonly toSeconds: (centiseconds: number) => number,
  ) {}

  /** The native callback, or undefined when nobody listens (whisper.cpp then reports nothing). */
  get native(): ((segment: NativeNewSegment) => void) | undefined {
    return this.callback ? (segment) => this.report(segment) : undefined;
  }

  /** The native call succeeded: reports what was not reported yet, then nothing more. */
  readonly finish = <T extends { segments: readonly NativeNewSegment[] }>(result: T): T => {
    for (const segment of result.segments.slice(this.reported)) this.report(segment);
    this.done = true;
    return result;
  };

  /** The native call failed or was aborted: nothing more is reported. */
  readonly fail = (error: unknown): never => {
    this.done = true;
    throw error;
  };

  private report(segment: NativeNewSegment): void {
    if (!this.callback || this.done) return;
    this.reported++;
    const start = this.toSeconds(segment.t0);
    try {
      this.callback({ start, end: Math.max(start, this.toSeconds(segment.t1)), text: segment.text.trim() });
    } catch {
      // ignored, see above
    }
  }
}
