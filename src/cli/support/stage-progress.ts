import { ProgressBar } from './progress-bar';

/** Where each stage sits in the overall percentage: [from, to). */
export type StagePlan<S extends string> = Readonly<Record<S, readonly [number, number]>>;

/**
 * Maps each stage's own 0..100 onto one overall percentage shown as `stage [bar] NN%`, so that the bar
 * never goes back when a new stage starts at its own 0.
 */
export class StageProgress<S extends string> {
  constructor(
    private readonly plan: StagePlan<S>,
    private readonly bar: ProgressBar = new ProgressBar(),
  ) {}

  /** For a library's onProgress callback: `progress.of('transcribing')`. */
  of(stage: S): (percent: number) => void {
    return (percent) => this.report(stage, percent);
  }

  report(stage: S, percentOfStage = 0): void {
    const [from, to] = this.plan[stage];
    const clamped = Math.min(100, Math.max(0, percentOfStage));
    this.bar.update(stage, from + ((to - from) * clamped) / 100);
  }

  clear(): void {
    this.bar.clear();
  }
}
