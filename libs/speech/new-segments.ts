import type { NativeNewSegment } from './native-types';
import type { NewSegment } from './types';

/**
 * Keeps the caller's onSegment promise: segments in order, in seconds of the original audio, text
 * trimmed, silent once the call has settled (a late native report must not arrive after the promise).
 * Exceptions thrown by the callback are ignored: a live display must not break a transcription.
 */
export class SegmentForwarder {
  private done = false;

  constructor(
    private readonly callback: ((segment: NewSegment) => void) | undefined,
    private readonly toSeconds: (centiseconds: number) => number,
  ) {}

  /** The native callback, or undefined when nobody listens (whisper.cpp then reports nothing). */
  get native(): ((segment: NativeNewSegment) => void) | undefined {
    return this.callback ? (segment) => this.report(segment) : undefined;
  }

  private report(segment: NativeNewSegment): void {
    if (!this.callback || this.done) return;
    const start = this.toSeconds(segment.t0);
    try {
      this.callback({ start, end: Math.max(start, this.toSeconds(segment.t1)), text: segment.text.trim() });
    } catch {
      // ignored, see above
    }
  }

  stop(): void {
    this.done = true;
  }
}
