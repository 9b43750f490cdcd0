import type { Yielder } from '../common';
import type { LocalEmbeddings } from '../embeddings';
import type { LocalSegmentation } from '../segmentation';
import type { SpeakerBounds } from '../speaker-bounds';
import { initialClusters } from './ahc-init';
import { NO_CLUSTER, assignConstrained, assignToNearest, centroidScores } from './cluster-assignment';
import { meanCentroids, weightedCentroids } from './centroids';
import { kMeans } from './kmeans';
import { type Plda, type PldaFeatures, community1Plda } from './plda';
import { type TrainingSet, activePairs, selectTrainingSet } from './training-set';
import { type VbxResult, runVbx } from './vbx';

/** pyannote speaker-diarization-community-1's clustering hyper-parameters. */
export const COMMUNITY1_CLUSTERING = { threshold: 0.6, fa: 0.07, fb: 0.8, maxIters: 20 } as const;

export interface VbxClusteringOptions {
  /** AHC threshold of VBx's initialisation (distance between unit-length embeddings). */
  threshold?: number;
  fa?: number;
  fb?: number;
  maxIters?: number;
  plda?: Plda;
  /** Awaited inside the long loops, so that a shared event loop keeps turning. */
  pause?: Yielder;
}

export interface VbxClustering {
  /**
   * Cluster of each (window * numLocalSpeakers + local speaker), NO_CLUSTER where none; pyannote's
   * clustering output (silent local speakers may hold a cluster nobody else took: see
   * `withoutSilentSpeakers`).
   */
  hardClusters: Int32Array;
  numClusters: number;
  /** [numClusters, dimension]: centroids of the raw embeddings. */
  centroids: Float64Array;
  /** The stages, for checking them against pyannote's (absent where a stage did not run). */
  training: TrainingSet;
  ahcLabels?: Int32Array;
  plda?: PldaFeatures;
  vbx?: VbxResult;
  /** Set when the speaker count forced a k-means re-clustering. */
  forcedCount?: number;
}

/**
 * pyannote community-1's clustering (VBxClustering): the embeddings of local speakers that talk
 * alone long enough are clustered by AHC, refined by VBx on their PLDA features; the speakers VBx
 * keeps give centroids; every (window, local speaker) is then assigned to a centroid, one-to-one
 * within a window. A count outside `bounds` (or different from an exact one) re-clusters the
 * training embeddings by k-means into the nearest allowed count, then assigns without the constraint.
 */
export async function clusterVbx(
  seg: LocalSegmentation,
  embeddings: LocalEmbeddings,
  bounds: SpeakerBounds,
  options: VbxClusteringOptions = {},
): Promise<VbxClustering> {
  const { dimension: dim, vectors, valid } = embeddings;
  const k = seg.numLocalSpeakers;
  const pairs = seg.numChunks * k;
  const training = selectTrainingSet(seg, embeddings);
  const n = training.chunk.length;
  const train = new Float32Array(n * dim);
  for (let t = 0; t < n; t++) {
    const pair = training.chunk[t] * k + training.speaker[t];
    train.set(vectors.subarray(pair * dim, (pair + 1) * dim), t * dim);
  }
  if (n < 2) {
    // Too little clean speech to cluster: one speaker (pyannote).
    const centroids = meanCentroids(new Int32Array(n), 1, train, dim);
    return { hardClusters: new Int32Array(pairs), numClusters: 1, centroids, training };
  }
  const pause = options.pause;
  const threshold = options.threshold ?? COMMUNITY1_CLUSTERING.threshold;
  const ahcLabels = await initialClusters(train, n, dim, threshold, pause);
  const model = options.plda ?? community1Plda();
  let centroids: Float64Array;
  let numClusters: number;
  let plda: PldaFeatures | undefined;
  let vbx: VbxResult | undefined;
  if (dim === model.inputDimension) {
    plda = await transformInBlocks(model, train, n, dim, pause);
    vbx = await runVbx(
      plda.features,
      n,
      model.phi,
      ahcLabels,
      {
        fa: options.fa ?? COMMUNITY1_CLUSTERING.fa,
        fb: options.fb ?? COMMUNITY1_CLUSTERING.fb,
        maxIters: options.maxIters ?? COMMUNITY1_CLUSTERING.maxIters,
      },
      pause,
    );
    ({ centroids, numClusters } = weightedCentroids(vbx.q, vbx.sp, train, n, dim));
  } else {
    // The PLDA is trained on WeSpeaker ResNet34-LM's 256-d embeddings: other models get AHC alone.
    numClusters = ahcLabels.reduce((max, label) => Math.max(max, label + 1), 0);
    centroids = meanCentroids(ahcLabels, numClusters, train, dim);
  }

  let wanted = bounds.exact;
  if (numClusters < bounds.min) wanted = bounds.min;
  else if (numClusters > bounds.max) wanted = bounds.max;
  let forcedCount: number | undefined;
  if (wanted !== undefined && wanted !== numClusters) {
    forcedCount = Math.min(wanted, n);
    const unit = unitRows(train, n, dim);
    const labels = kMeans(unit, n, dim, forcedCount);
    numClusters = forcedCount;
    centroids = meanCentroids(labels, numClusters, train, dim);
  }
  await pause?.();
  const scores = await centroidScores(vectors, valid, dim, centroids, numClusters, pause);
  const hardClusters =
    forcedCount === undefined
      ? await assignConstrained(scores, numClusters, k, activePairs(seg), pause)
      : assignToNearest(scores, numClusters, pairs);
  return { hardClusters, numClusters, centroids, training, ahcLabels, plda, vbx, forcedCount };
}

/**
 * The clusters that reconstruction uses: silent local speakers, and those without an embedding,
 * belong to none (pyannote marks its inactive speakers so before reconstructing).
 */
export function withoutSilentSpeakers(
  hardClusters: Int32Array,
  seg: LocalSegmentation,
  valid: Uint8Array,
): Int32Array {
  const active = activePairs(seg);
  return hardClusters.map((cluster, pair) => (active[pair] && valid[pair] ? cluster : NO_CLUSTER));
}

/** The PLDA transform a block of rows at a time, pausing between blocks. */
async function transformInBlocks(
  model: Plda,
  train: Float32Array,
  count: number,
  dim: number,
  pause?: Yielder,
): Promise<PldaFeatures> {
  const width = model.dimension;
  const xvec = new Float64Array(count * width);
  const features = new Float64Array(count * width);
  const block = 32;
  for (let first = 0; first < count; first += block) {
    const rows = Math.min(block, count - first);
    const part = model.transform(train.subarray(first * dim, (first + rows) * dim), rows);
    xvec.set(part.xvec, first * width);
    features.set(part.features, first * width);
    await pause?.();
  }
  return { xvec, features };
}

function unitRows(vectors: Float32Array, count: number, dim: number): Float32Array {
  const unit = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += vectors[i * dim + d] ** 2;
    const norm = Math.sqrt(sum) || 1;
    for (let d = 0; d < dim; d++) unit[i * dim + d] = vectors[i * dim + d] / norm;
  }
  return unit;
}
