/**
 * Keeps the caller's onProgress promise: whole percents, rising, 100 on success, silent once the
 * call has settled (a late native report must not arrive after the promise). Exceptions thrown by
 * the callback are ignored: a progress display must not break a transcription.
 */
export class ProgressForwarder {
  private last = -1;
  private done = false;

  constructor(private readonly callback: ((percent: number) => void) | undefined) {}

  report(percent: number): void {
    if (!this.callback || this.done) return;
    const rounded = Math.min(100, Math.max(0, Math.floor(percent)));
    if (rounded <= this.last) return;
    this.last = rounded;
    try {
      this.callback(rounded);
    } catch {
      // ignored, see above
    }
  }

  /** Within [from, to) of the whole: for a step that reports its own 0..100. */
  scaled(from: number, to: number): (percent: number) => void {
    return (percent) => this.report(from + ((to - from) * Math.min(percent, 99.999)) / 100);
  }

  finish(): void {
    this.report(100);
    this.done = true;
  }

  stop(): void {
    this.done = true;
  }
}
