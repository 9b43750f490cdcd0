import { performance } from 'node:perf_hooks';
import { clusterVbx, withoutSilentSpeakers } from '../clustering';
import { initialClusters } from '../clustering/ahc-init';
import { assignConstrained, centroidScores } from '../clustering/cluster-assignment';
import { weightedCentroids } from '../clustering/centroids';
import { community1Plda } from '../clustering/plda';
import { activePairs } from '../clustering/training-set';
import { runVbx } from '../clustering/vbx';
import {
  type FrameLabels,
  capSpeakerCount,
  estimateSpeakerCount,
  framesToTurns,
  reconstructFromClusters,
} from '../reconstruction';
import { computeDer } from '../scoring';
import { type LocalSegmentation, frameMiddle } from '../segmentation';
import { type SpeakerBounds, resolveSpeakerBounds } from '../speaker-bounds';
import type { ParityFixture } from './fixture';
import { type SegmentationAgreement, compareSegmentations } from './segmentation-agreement';

/** The `eval parity` report: each stage of this project fed with pyannote's inputs for that stage. */
export interface ParityReport {
  /** Only with this project's segmentation of the audio. */
  segmentation?: SegmentationAgreement;
  count: { frames_equal_fraction: number };
  ahc: { labels_equal: boolean };
  vbx: { q_max_abs_diff: number; sp_max_abs_diff: number };
  clusters: { hard_clusters_equal: boolean };
  reconstruction: { frames_equal_fraction: number };
  /** The whole chain from pyannote's segmentation and embeddings, scored against pyannote's output. */
  der_vs_pyannote: number;
}

export interface ParityRun {
  report: ParityReport;
  /** Wall time of the whole clustering (training set to hard clusters) in the chain. */
  clusteringMs: number;
  /** CPU time of this process over the same span (steadier than wall time on a busy machine). */
  clusteringCpuMs: number;
  /** Speakers the chain found. */
  speakers: number;
  /** Embeddings the chain clustered (pyannote: trainChunk.length). */
  trainingSize: number;
  trainingEqual: boolean;
}

/**
 * Runs this project's community-1 stages on a parity fixture. `ours`: this project's segmentation of
 * the fixture's audio, compared with pyannote's when given.
 */
export async function runParity(
  fixture: ParityFixture,
  ours?: LocalSegmentation,
  bounds: SpeakerBounds = resolveSpeakerBounds(),
): Promise<ParityRun> {
  const seg = fixture.segmentation;
  const k = seg.numLocalSpeakers;
  const { dimension: dim, vectors } = fixture.embeddings;

  const count = estimateSpeakerCount(seg);
  const countEqual = fractionEqual(count, fixture.count);

  // AHC and VBx on pyannote's training embeddings.
  const n = fixture.trainChunk.length;
  const train = new Float32Array(n * dim);
  for (let t = 0; t < n; t++) {
    const pair = fixture.trainChunk[t] * k + fixture.trainSpeaker[t];
    train.set(vectors.subarray(pair * dim, (pair + 1) * dim), t * dim);
  }
  const ahc = await initialClusters(train, n, dim, fixture.threshold);
  const plda = community1Plda();
  const features = plda.transform(train, n).features;
  const vbx = await runVbx(features, n, plda.phi, fixture.ahcLabels, {
    fa: fixture.fa,
    fb: fixture.fb,
    maxIters: fixture.maxIters,
  });

  // Centroids and assignment from pyannote's VBx state.
  const { centroids, numClusters } = weightedCentroids(fixture.qFinal, fixture.spFinal, train, n, dim);
  const scores = await centroidScores(vectors, fixture.embeddings.valid, dim, centroids, numClusters);
  const hard = await assignConstrained(scores, numClusters, k, activePairs(seg));

  // Reconstruction from pyannote's clusters and count.
  const pyannoteClusters = withoutSilentSpeakers(fixture.hardClusters, seg, fixture.embeddings.valid);
  const frames = reconstructFromClusters(seg, pyannoteClusters, fixture.count);

  // The whole chain.
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const clustering = await clusterVbx(seg, fixture.embeddings, bounds, {
    threshold: fixture.threshold,
    fa: fixture.fa,
    fb: fixture.fb,
    maxIters: fixture.maxIters,
  });
  const clusteringMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const clusteringCpuMs = (cpu.user + cpu.system) / 1000;
  const chainClusters = withoutSilentSpeakers(clustering.hardClusters, seg, fixture.embeddings.valid);
  const chainFrames = reconstructFromClusters(seg, chainClusters, capSpeakerCount(count, bounds.max));
  const end = frameMiddle(seg.frames, seg.numFrames - 1);
  const turns = framesToTurns(chainFrames, seg.frames, end);
  const der = computeDer(fixture.output, turns).der;

  const report: ParityReport = {
    ...(ours ? { segmentation: compareSegmentations(seg, ours) } : {}),
    count: { frames_equal_fraction: countEqual },
    ahc: { labels_equal: arraysEqual(ahc, fixture.ahcLabels) },
    vbx: {
      q_max_abs_diff: maxAbsDiff(vbx.q, fixture.qFinal),
      sp_max_abs_diff: maxAbsDiff(vbx.sp, fixture.spFinal),
    },
    clusters: { hard_clusters_equal: arraysEqual(hard, fixture.hardClusters) },
    reconstruction: {
      frames_equal_fraction: framesEqualFraction(
        frames,
        fixture.discreteDiarization,
        fixture.discreteColumns,
      ),
    },
    der_vs_pyannote: der,
  };
  return {
    report,
    clusteringMs,
    clusteringCpuMs,
    speakers: new Set(turns.map((turn) => turn.speaker)).size,
    trainingSize: clustering.training.chunk.length,
    trainingEqual:
      arraysEqual(clustering.training.chunk, fixture.trainChunk) &&
      arraysEqual(clustering.training.speaker, fixture.trainSpeaker),
  };
}

function fractionEqual(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const length = Math.max(a.length, b.length);
  let equal = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] === b[i]) equal++;
  return length ? equal / length : 1;
}

function arraysEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && fractionEqual(a, b) === 1;
}

/** Largest |a - b|; Infinity when the shapes differ. */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Frames whose set of active speakers equals pyannote's row of its binary frame matrix. */
function framesEqualFraction(frames: FrameLabels, binary: Uint8Array, columns: number): number {
  const total = binary.length / columns;
  let equal = 0;
  const row = new Uint8Array(columns);
  for (let g = 0; g < total; g++) {
    row.fill(0);
    let outside = false;
    for (let i = 0; g < frames.numFrames && i < frames.slots; i++) {
      const label = frames.labels[g * frames.slots + i];
      if (label < 0) continue;
      if (label >= columns) outside = true;
      else row[label] = 1;
    }
    let same = !outside;
    for (let j = 0; same && j < columns; j++) same = row[j] === binary[g * columns + j];
    if (same) equal++;
  }
  return total ? equal / total : 1;
}
