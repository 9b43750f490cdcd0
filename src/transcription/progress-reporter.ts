import type { JobProgress, Stage } from '../jobs/job-catalogue';

/**
 * Forwards stage and percent to Bull's job.progress(): a new stage at once, percent changes at most
 * every `intervalMs`, writes one after another so that an older value never lands last.
 */
export class ProgressReporter {
  private stage: Stage | null = null;
  private highest = -1;
  private lastWriteAt = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (progress: JobProgress) => Promise<unknown>,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {}

  readonly report = (stage: Stage, percent: number): void => {
    const rounded = Math.round(percent);
    if (stage === this.stage) {
      // Within a stage the percentage only rises, and is written at a limited rate.
      if (rounded <= this.highest) return;
      this.highest = rounded;
      if (this.now() - this.lastWriteAt < this.intervalMs) return;
    } else {
      this.stage = stage;
      this.highest = rounded;
    }
    this.lastWriteAt = this.now();
    const value: JobProgress = { stage, percent: rounded };
    this.chain = this.chain.then(() =>
      this.write(value).then(
        () => undefined,
        // Progress is advisory; a failed write must not fail the job.
        () => undefined,
      ),
    );
  };

  /** Resolves once every write issued so far has been attempted. */
  flush(): Promise<void> {
    return this.chain;
  }
}
