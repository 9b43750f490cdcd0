/** What the bar needs of a stream: process.stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface ProgressBarOptions {
  /** Default: whether the stream is a terminal, so pipes and log files never get control characters. */
  enabled?: boolean;
  /** Milliseconds between redraws of one stage (a stage change or 100 % always draws). Default 100. */
  minIntervalMs?: number;
  now?: () => number;
}

const BAR_WIDTH = 24;

/**
 * A one-line progress bar, `transcribing [#####-----]  42%  0:07`, redrawn in place with `\r`. It draws
 * nothing at all unless enabled, which by default means: only on a terminal.
 */
export class ProgressBar {
  readonly enabled: boolean;
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private lastDrawAt = -Infinity;
  private lastLabel: string | null = null;
  private lastPercent = -1;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream = process.stderr,
    options: ProgressBarOptions = {},
  ) {
    this.enabled = options.enabled ?? stream.isTTY === true;
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /** Shows `label` at `percent` (0..100, clamped; a lower value than the last one keeps the last). */
  update(label: string, percent: number): void {
    if (!this.enabled) return;
    const changed = label !== this.lastLabel;
    const value = Math.floor(Math.min(100, Math.max(changed ? 0 : this.lastPercent, percent || 0)));
    const at = this.now();
    if (!changed && value === this.lastPercent) return;
    if (!changed && value < 100 && at - this.lastDrawAt < this.minIntervalMs) return;
    this.lastLabel = label;
    this.lastPercent = value;
    this.lastDrawAt = at;
    this.draw(at);
  }

  /**
   * Prints `line` (one line of output, such as a segment just transcribed) where the bar is, and
   * draws the bar again below it: the lines scroll up while the bar stays on the last line.
   */
  print(line: string): void {
    if (!this.enabled) return;
    this.stream.write(`\r${line.padEnd(width(this.stream.columns))}\n`);
    if (this.lastLabel !== null) this.draw(this.now());
  }

  private draw(at: number): void {
    const filled = Math.round((this.lastPercent / 100) * BAR_WIDTH);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
    const line = `${this.lastLabel} [${bar}] ${String(this.lastPercent).padStart(3)}%  ${elapsed(at - this.startedAt)}`;
    this.stream.write(`\r${fit(line, this.stream.columns)}`);
    this.drawn = true;
  }

  /** Erases the bar so that the next line (the result or an error) starts on a clean line. */
  clear(): void {
    if (!this.enabled || !this.drawn) return;
    this.stream.write(`\r${' '.repeat(width(this.stream.columns))}\r`);
    this.drawn = false;
    this.lastLabel = null;
    this.lastPercent = -1;
  }
}

function width(columns: number | undefined): number {
  return Math.max(20, (columns || 80) - 1);
}

/** Cut to the terminal's width and padded, so a shorter line overwrites a longer one completely. */
function fit(line: string, columns: number | undefined): string {
  const max = width(columns);
  return line.length > max ? line.slice(0, max) : line.padEnd(max);
}

function elapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
