import { GaussianStats } from './gaussian';

/**
 * Full-covariance Gaussian model comparison (ΔBIC) of two groups of frames. A ridge proportional
 * to the whole file's variance keeps short groups' covariances invertible and makes the scores
 * invariant to the scale of each feature.
 */
export class BicScorer {
  private readonly work: Float64Array;
  /** The pair being scored: clustering scores ~n^2 pairs, which must not allocate a merged group each. */
  private readonly pair: GaussianStats;
  private readonly penaltyPerLogFrame: number;

  constructor(
    readonly dim: number,
    private readonly ridge: Float64Array,
  ) {
    this.work = new Float64Array(dim * (dim + 1));
    this.pair = new GaussianStats(dim);
    this.penaltyPerLogFrame = 0.5 * (dim + (dim * (dim + 1)) / 2);
  }

  static forData(all: GaussianStats, relativeRidge = 0.01): BicScorer {
    const ridge = all.variances().map((v) => Math.max(v, 1e-6) * relativeRidge);
    return new BicScorer(all.dim, ridge);
  }

  logDet(stats: GaussianStats): number {
    return stats.logDetCovariance(this.ridge, this.work);
  }

  /**
   * Generalized likelihood ratio of "two Gaussians" over "one": how much worse one model fits.
   * `merged` is the statistics of both groups when the caller already has them (summed in another
   * order, which moves the last bits).
   */
  glr(a: ScoredGroup, b: ScoredGroup, merged?: GaussianStats): number {
    const both = merged ?? this.pair.setToSum(a.stats, b.stats);
    return 0.5 * (both.count * this.logDet(both) - a.stats.count * a.logDet - b.stats.count * b.logDet);
  }

  /** ΔBIC: positive when two models are worth their extra parameters (different speakers). */
  deltaBic(a: ScoredGroup, b: ScoredGroup, lambda: number): number {
    const count = a.stats.count + b.stats.count;
    return this.glr(a, b) - lambda * this.penaltyPerLogFrame * Math.log(count);
  }

  /**
   * ΔBIC as if the pair held at most `capFrames` frames (same per-frame likelihood gain): consecutive
   * 10 ms frames are far from independent, so raw ΔBIC grows with file length and would split one
   * long-talking speaker; capping the evidence keeps the automatic count stable on long files.
   */
  cappedDeltaBic(a: ScoredGroup, b: ScoredGroup, lambda: number, capFrames: number): number {
    const count = a.stats.count + b.stats.count;
    const scale = Math.min(1, capFrames / count);
    return scale * this.glr(a, b) - lambda * this.penaltyPerLogFrame * Math.log(scale * count);
  }

  group(stats: GaussianStats): ScoredGroup {
    return { stats, logDet: this.logDet(stats) };
  }
}

export interface ScoredGroup {
  stats: GaussianStats;
  logDet: number;
}
