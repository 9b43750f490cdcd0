import type { TransferProgress } from '../../../libs/models';

const MIB = 1024 * 1024;

/**
 * A one-line progress bar on a terminal (stderr), redrawn at most ten times a second; silent when stderr is
 * not a terminal, so that logs and pipes get only the summary lines.
 */
export class TransferProgressBar {
  private lastDraw = 0;
  private startedAt = Date.now();
  private current: string | null = null;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(progress: TransferProgress): void {
    if (!this.enabled) return;
    const key = `${progress.label}:${progress.phase}`;
    if (key !== this.current) {
      this.current = key;
      this.startedAt = Date.now();
    }
    const now = Date.now();
    const finished = progress.totalBytes !== null && progress.bytes >= progress.totalBytes;
    if (now - this.lastDraw < 100 && !finished) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.startedAt) / 1000, 0.001);
    const rate = `${(progress.bytes / MIB / seconds).toFixed(1)} MiB/s`;
    const done = `${(progress.bytes / MIB).toFixed(1)}`;
    let line: string;
    if (progress.totalBytes) {
      const fraction = Math.min(1, progress.bytes / progress.totalBytes);
      const width = 24;
      const filled = Math.round(fraction * width);
      const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
      const total = (progress.totalBytes / MIB).toFixed(1);
      line = `${progress.phase} ${progress.label} [${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}% ${done}/${total} MiB ${rate}`;
    } else {
      line = `${progress.phase} ${progress.label} ${done} MiB ${rate}`;
    }
    const columns = this.stream.columns ?? 100;
    this.stream.write(`\r${line.slice(0, columns - 1).padEnd(columns - 1)}`);
  }

  /** Clears the bar so that a normal line can be printed. */
  clear(): void {
    if (!this.enabled || this.current === null) return;
    this.stream.write(`\r${' '.repeat((this.stream.columns ?? 100) - 1)}\r`);
    this.current = null;
  }
}
