import { overallPercent, type StagePlan } from '../../../libs/pipeline';
import { ProgressBar } from './progress-bar';

export type { StagePlan };

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
    this.bar.update(stage, overallPercent(this.plan, stage, percentOfStage));
  }

  clear(): void {
    this.bar.clear();
  }
}
