import type { ParityRun } from './harness';

/** The report as lines of text, one per stage. */
export function formatParityRun(name: string, run: ParityRun): string {
  const { report } = run;
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  const yes = (b: boolean): string => (b ? 'yes' : 'NO');
  const lines = [`parity ${name}`];
  if (report.segmentation) {
    const s = report.segmentation;
    lines.push(
      `  segmentation    cells agreeing ${pct(s.cell_agreement)}; missed ${pct(s.missed_fraction)}, extra ${pct(s.extra_fraction)} of pyannote's active cells`,
    );
  }
  lines.push(
    `  count           frames equal ${pct(report.count.frames_equal_fraction)}`,
    `  training set    ${run.trainingSize} embeddings, equal to pyannote's: ${yes(run.trainingEqual)}`,
    `  ahc             labels equal: ${yes(report.ahc.labels_equal)}`,
    `  vbx             max |q diff| ${report.vbx.q_max_abs_diff.toExponential(2)}, max |sp diff| ${report.vbx.sp_max_abs_diff.toExponential(2)}`,
    `  clusters        hard clusters equal: ${yes(report.clusters.hard_clusters_equal)}`,
    `  reconstruction  frames equal ${pct(report.reconstruction.frames_equal_fraction)}`,
    `  whole chain     DER vs pyannote's output ${pct(report.der_vs_pyannote)}, ${run.speakers} speakers, clustering ${run.clusteringMs.toFixed(0)} ms (CPU ${run.clusteringCpuMs.toFixed(0)} ms)`,
  );
  return `${lines.join('\n')}\n`;
}
