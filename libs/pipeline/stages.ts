/** The pipeline's stages, in order; each reports its own 0..100. */
export const PIPELINE_STAGES = ['decoding', 'transcribing', 'diarizing', 'combining'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** Where each stage sits in an overall percentage: [from, to]. */
export type StagePlan<S extends string> = Readonly<Record<S, readonly [number, number]>>;

/** A stage's own percentage mapped onto the overall one, so that a new stage never sends it back. */
export function overallPercent<S extends string>(
  plan: StagePlan<S>,
  stage: S,
  percentOfStage: number,
): number {
  const [from, to] = plan[stage];
  const clamped = Math.min(100, Math.max(0, percentOfStage));
  return from + ((to - from) * clamped) / 100;
}
