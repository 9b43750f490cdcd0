import type { SpeakerBounds } from '../speaker-bounds';
import { type FrameLabels, reconstructFrames } from '../reconstruction';
import { type AcousticPiece, extractPieces, statsOfTracks } from './acoustic-pieces';
import { agglomerate } from '../common';
import { BicScorer, type ScoredGroup } from './bic';
import { throwIfAborted } from '../errors';
import { GaussianStats } from './gaussian';
import type { LocalSegmentation } from '../segmentation';
import type { Tracks } from './stitching';
import { DEFAULT_SLICE_MS, type Yielder, createYielder } from '../common';
import type { ModelVerifier, SampleSpan } from './model-verifier';

export interface ReidentifyOptions {
  maxPieceSeconds?: number;
  minPieceSeconds?: number;
  /** ΔBIC weight for merging consecutive pieces of one track (low: merge readily). */
  linearLambda?: number;
  /** ΔBIC weight that orders the global merges. */
  orderLambda?: number;
  /** Capped-ΔBIC weight and cap that stop the automatic count. */
  stopLambda?: number;
  capFrames?: number;
  /** Clusters larger than the cap still merge when their distance is within this factor of their own spread. */
  largeClusterRatio?: number;
  /**
   * Most clusters handled by one agglomeration, in time order (default 16, also what bounds memory):
   * a long recording is judged a few dozen seconds of speech at a time, as a short clip is, and then
   * the survivors together. With blocks of 300 the clusters of a long file grew far past the sizes
   * the stopping rule meets on a clip, and the automatic count grew with length.
   */
  blockSize?: number;
  /** The segmentation model as a speaker verifier for the last agglomeration (none: ΔBIC alone). */
  verifier?: ModelVerifier;
  /** Weight of the verifier's dissimilarity (0..1) against ΔBIC per frame in that agglomeration (default 1). */
  verifierWeight?: number;
  /**
   * With an automatic count, the last agglomeration also stops when the verifier finds the closest
   * pair more different than alike (similarity below this; default 0.5). The model's errors are
   * fusions (two voices called one), so its "different" is the verdict to trust: on real meetings
   * MFCC statistics merged speakers the model kept apart.
   */
  verifierStopSimilarity?: number;
  /** Checked whenever the linking pauses for the event loop; a fired signal rejects with AbortError. */
  signal?: AbortSignal;
}

interface Cluster extends ScoredGroup {
  pieces: AcousticPiece[];
  /** Per-frame GLR between the first and second half (in time) of the cluster's speech; NaN if too small. */
  spread: number;
}

/**
 * Embedding-free linking of local speakers into global speakers.
 *
 * Stitched tracks say who talks when within the ~10 s a window sees, but the segmentation model may
 * fuse two similar voices into one local speaker, and a speaker who comes back after a long pause
 * starts a new track. So every track's single-speaker stretches are cut into short pieces with MFCC
 * Gaussian statistics; consecutive pieces of a track are merged while ΔBIC says they are one voice
 * (this proposes splits of tracks where voices were fused). The segments of each track are then
 * merged back unless they differ as much as two speakers must (the automatic count's rule), and what
 * is left is clustered over the whole file by ΔBIC (re-identifying returning speakers) down to the
 * exact count, or, for an automatic count, until a capped ΔBIC says the closest pair are different
 * speakers; with a verifier, that last agglomeration also weighs the segmentation model's verdict on
 * each pair heard in one window. Every frame of a track then takes the cluster of that track's nearest piece, so
 * overlapped speech keeps both; a track heard only in overlap is placed by its own statistics.
 */
export async function reidentifySpeakers(
  samples: Float32Array,
  sampleRate: number,
  seg: LocalSegmentation,
  count: Uint8Array,
  tracks: Tracks,
  bounds: SpeakerBounds,
  options: ReidentifyOptions = {},
): Promise<FrameLabels> {
  throwIfAborted(options.signal);
  // Seconds of work on long files: all stages share one time slice and hand the loop back when it is spent.
  const pause = createYielder(DEFAULT_SLICE_MS, options.signal);
  const k = seg.numLocalSpeakers;
  const trackFrames = reconstructFrames(seg, count, (c, s) => tracks.trackOf[c * k + s]);
  await pause(); // reconstructFrames alone takes tens of ms on an hour of audio
  const lengths = {
    maxPieceSeconds: options.maxPieceSeconds ?? 2,
    minPieceSeconds: options.minPieceSeconds ?? 0.3,
  };
  const pieces = await extractPieces(samples, sampleRate, trackFrames, count, seg.frames, lengths, pause);
  if (pieces.length === 0) {
    // Too little single-speaker speech to compare voices: tracks are the speakers, within the bounds.
    const cap = Math.max(1, bounds.exact ?? bounds.max);
    return { ...trackFrames, labels: trackFrames.labels.map((t) => (t < 0 ? t : Math.min(t, cap - 1))) };
  }

  const all = new GaussianStats(pieces[0].stats.dim);
  for (const piece of pieces) all.addStats(piece.stats);
  const scorer = BicScorer.forData(all);
  const linked = await linkAlongTracks(pieces, scorer, options.linearLambda ?? 0.5, pause);
  const offset = seg.frames.duration / 2 - seg.frames.step / 2;
  const spansOf = (cluster: Cluster): SampleSpan[] =>
    cluster.pieces.map((piece) => ({
      start: Math.max(0, Math.round((piece.firstFrame * seg.frames.step + offset) * sampleRate)),
      end: Math.min(samples.length, Math.round((piece.endFrame * seg.frames.step + offset) * sampleRate)),
    }));
  const clusters = await clusterGlobally(linked, scorer, bounds, options, pause, spansOf);
  // Tracks heard only in overlap have no piece: their own statistics place them.
  const withPieces = new Set(pieces.map((piece) => piece.track));
  const orphans = new Set<number>();
  for (let t = 0; t < tracks.numTracks; t++) if (!withPieces.has(t)) orphans.add(t);
  const orphanStats = await statsOfTracks(samples, sampleRate, trackFrames, seg.frames, orphans, pause);
  const orphanPieces = [...orphanStats].map(([track, stats]) => ({
    track,
    firstFrame: 0,
    endFrame: 0,
    stats,
  }));
  return labelFrames(trackFrames, pieces, orphanPieces, clusters, scorer, pause);
}

/** 1. Along each track, consecutive pieces stay together while they sound like one voice. */
async function linkAlongTracks(
  pieces: AcousticPiece[],
  scorer: BicScorer,
  lambda: number,
  pause: Yielder,
): Promise<Cluster[]> {
  const clusters: Cluster[] = [];
  for (const list of groupByTrack(pieces).values()) {
    let current: Cluster | null = null;
    for (const piece of list) {
      const next = scorer.group(piece.stats);
      if (current && scorer.deltaBic(current, next, lambda) < 0) {
        // The cluster owns its statistics (a copy of its first piece's), so they grow in place.
        current.stats.addStats(piece.stats);
        current.logDet = scorer.logDet(current.stats);
        current.pieces.push(piece);
      } else {
        const stats = new GaussianStats(scorer.dim);
        stats.addStats(piece.stats);
        current = { stats, logDet: next.logDet, pieces: [piece], spread: NaN };
        clusters.push(current);
      }
      await pause();
    }
  }
  for (const cluster of clusters) {
    cluster.spread = halfSplitGlr(scorer, cluster);
    await pause();
  }
  return clusters;
}

/** 2. Global ΔBIC clustering; long files are first reduced block by block (bounded memory). */
async function clusterGlobally(
  initial: Cluster[],
  scorer: BicScorer,
  bounds: SpeakerBounds,
  options: ReidentifyOptions,
  pause: Yielder,
  spansOf: (cluster: Cluster) => SampleSpan[],
): Promise<Cluster[]> {
  const orderLambda = options.orderLambda ?? 1;
  const stopLambda = options.stopLambda ?? 1.65;
  const capFrames = options.capFrames ?? 3000;
  const ratio = options.largeClusterRatio ?? 1.3;
  // A block must hold more clusters than the speakers it may have to keep apart.
  const blockSize = Math.max(8, 2 * (bounds.exact ?? bounds.min), options.blockSize ?? 16);
  const mergeInto = (list: Cluster[]) => (a: number, b: number) => {
    // Each cluster owns its statistics, so merging adds to them in place.
    const target = list[a];
    target.stats.addStats(list[b].stats);
    target.logDet = scorer.logDet(target.stats);
    target.pieces.push(...list[b].pieces);
    target.spread = halfSplitGlr(scorer, target);
  };
  type Stop = (a: Cluster, b: Cluster, clusters: number) => boolean;
  const run = async (list: Cluster[], stop: Stop): Promise<Cluster[]> => {
    const owner = await agglomerate(
      list.length,
      (a, b) => scorer.deltaBic(list[a], list[b], orderLambda),
      mergeInto(list),
      (a, b, _cost, n) => stop(list[a], list[b], n),
      pause,
    );
    return list.filter((_, i) => owner[i] === i);
  };
  const runBlocks = async (blocks: Cluster[][], stop: (block: Cluster[]) => Stop): Promise<Cluster[]> => {
    const out: Cluster[] = [];
    for (const block of blocks) out.push(...(await run(block, stop(block))));
    return out;
  };
  const differentSpeakers = (a: Cluster, b: Cluster): boolean => {
    if (scorer.cappedDeltaBic(a, b, stopLambda, capFrames) <= 0) return false;
    // Both larger than the cap: judge by their distance relative to their own spread instead.
    if (a.stats.count >= capFrames && b.stats.count >= capFrames) {
      const spread = Math.max(a.spread || 0, b.spread || 0);
      if (spread > 0 && scorer.glr(a, b) / (a.stats.count + b.stats.count) <= ratio * spread) return false;
    }
    return true;
  };
  // Time-ordered blocks keep neighbouring (likely same-speaker) segments together.
  const toBlocks = (list: Cluster[]): Cluster[][] => {
    list.sort((a, b) => a.pieces[0].firstFrame - b.pieces[0].firstFrame);
    const blocks: Cluster[][] = [];
    for (let i = 0; i < list.length; i += blockSize) blocks.push(list.slice(i, i + blockSize));
    return blocks;
  };
  // A track is one voice to the segmentation model: its segments merge back first, unless they
  // sound as different as two speakers must (the automatic count's own rule). Even an exact count
  // does not keep them apart: on real meetings the model's one voice is far more often right than
  // MFCC statistics that differ (one speaker's own statistics drift as much as two speakers'
  // differ), so a track the model never split may leave fewer speakers than asked for.
  let clusters: Cluster[] = [];
  const byTrack = new Map<number, Cluster[]>();
  for (const cluster of initial) {
    const track = cluster.pieces[0].track;
    byTrack.set(track, [...(byTrack.get(track) ?? []), cluster]);
  }
  for (const list of byTrack.values()) {
    clusters.push(...(await runBlocks(toBlocks(list), () => differentSpeakers)));
  }
  while (clusters.length > blockSize) {
    let reduced = await runBlocks(toBlocks(clusters), () => differentSpeakers);
    if (reduced.length > 0.75 * clusters.length) {
      // Too little merged on its own: halve what is left, block by block, so that the loop always ends.
      // (Merging mutated the surviving clusters, so this must start from them, not from the old blocks.)
      reduced = await runBlocks(
        toBlocks(reduced),
        (block) => (_a, _b, n) => n <= Math.ceil(block.length / 2),
      );
    }
    clusters = reduced;
  }
  // The automatic count decides this merge (no exact count, and the bounds allow stopping here).
  const automatic = (n: number): boolean =>
    bounds.exact === undefined && n > Math.max(1, bounds.min) && n <= bounds.max;
  const finalStop = (a: Cluster, b: Cluster, n: number): boolean => {
    if (bounds.exact !== undefined) return n <= bounds.exact;
    if (n <= Math.max(1, bounds.min)) return true;
    if (n > bounds.max) return false;
    return differentSpeakers(a, b);
  };
  if (!options.verifier || clusters.length < 2) return run(clusters, finalStop);
  // The last few clusters are ordered by ΔBIC per frame plus how different the segmentation model
  // finds them when it hears both in one window (average over their starting clusters' pairs).
  const verifierWeight = options.verifierWeight ?? 1;
  const verifierStop = options.verifierStopSimilarity ?? 0.5;
  const n0 = clusters.length;
  const similarity = await options.verifier.similarities(clusters.map(spansOf), pause);
  const members = clusters.map((_, i) => [i]);
  const meanSimilarity = (a: number, b: number): number => {
    let total = 0;
    for (const i of members[a]) for (const j of members[b]) total += similarity[i * n0 + j];
    return total / (members[a].length * members[b].length);
  };
  const merge = mergeInto(clusters);
  const owner = await agglomerate(
    n0,
    (a, b) =>
      scorer.deltaBic(clusters[a], clusters[b], orderLambda) /
        (clusters[a].stats.count + clusters[b].stats.count) +
      verifierWeight * (1 - meanSimilarity(a, b)),
    (a, b) => {
      merge(a, b);
      members[a].push(...members[b]);
    },
    (a, b, _cost, n) =>
      finalStop(clusters[a], clusters[b], n) || (automatic(n) && meanSimilarity(a, b) < verifierStop),
    pause,
  );
  return clusters.filter((_, i) => owner[i] === i);
}

/** Labelling a frame is cheap: checking the clock for every frame would cost more than the work. */
const FRAMES_PER_PAUSE_CHECK = 1024;

/**
 * 3. Every frame of a track takes the cluster of that track's nearest piece. Tracks that talk at
 * the same time are different speakers (pyannote gives a frame with count k its k best speakers):
 * where two would take the same cluster, the later one takes the closest cluster not yet taken.
 */
async function labelFrames(
  trackFrames: FrameLabels,
  pieces: AcousticPiece[],
  orphans: AcousticPiece[],
  clusters: Cluster[],
  scorer: BicScorer,
  pause: Yielder,
): Promise<FrameLabels> {
  const clusterOfPiece = new Map<AcousticPiece, number>();
  clusters.forEach((cluster, index) => cluster.pieces.forEach((piece) => clusterOfPiece.set(piece, index)));
  const ranking = new Map<AcousticPiece, number[]>();
  const rankedClusters = (piece: AcousticPiece): number[] => {
    let ranked = ranking.get(piece);
    if (!ranked) {
      const group = scorer.group(piece.stats);
      const cost = clusters.map((cluster) => scorer.glr(group, cluster));
      ranked = clusters.map((_, i) => i).sort((a, b) => cost[a] - cost[b] || a - b);
      ranking.set(piece, ranked);
    }
    return ranked;
  };
  const piecesOfTrack = groupByTrack(pieces);
  for (const orphan of orphans) {
    piecesOfTrack.set(orphan.track, [orphan]);
    clusterOfPiece.set(orphan, rankedClusters(orphan)[0]);
  }
  const { slots, labels, numFrames } = trackFrames;
  const out = new Int32Array(labels.length).fill(-1);
  const taken = (g: number, used: number, cluster: number): boolean => {
    for (let u = 0; u < used; u++) if (out[g * slots + u] === cluster) return true;
    return false;
  };
  for (let g = 0; g < numFrames; g++) {
    if (g % FRAMES_PER_PAUSE_CHECK === 0) await pause();
    let used = 0;
    for (let i = 0; i < slots; i++) {
      const track = labels[g * slots + i];
      const list = track >= 0 ? piecesOfTrack.get(track) : undefined;
      if (!list) continue;
      const piece = nearestPiece(list, g);
      let cluster = clusterOfPiece.get(piece) as number;
      if (taken(g, used, cluster)) {
        const free = rankedClusters(piece).find((c) => !taken(g, used, c));
        if (free === undefined) continue;
        cluster = free;
      }
      out[g * slots + used++] = cluster;
    }
  }
  return { numFrames, slots, labels: out };
}

/** Pieces by track, each list in time order (as extracted). */
function groupByTrack(pieces: AcousticPiece[]): Map<number, AcousticPiece[]> {
  const byTrack = new Map<number, AcousticPiece[]>();
  for (const piece of pieces) {
    const list = byTrack.get(piece.track) ?? [];
    list.push(piece);
    byTrack.set(piece.track, list);
  }
  return byTrack;
}

function halfSplitGlr(scorer: BicScorer, cluster: Cluster): number {
  if (cluster.pieces.length < 2) return NaN;
  const sorted = cluster.pieces.slice().sort((x, y) => x.firstFrame - y.firstFrame);
  const first = new GaussianStats(scorer.dim);
  const second = new GaussianStats(scorer.dim);
  for (const piece of sorted) (first.count < cluster.stats.count / 2 ? first : second).addStats(piece.stats);
  if (first.count <= scorer.dim || second.count <= scorer.dim) return NaN;
  return scorer.glr(scorer.group(first), scorer.group(second), cluster.stats) / cluster.stats.count;
}

/** The piece of a time-sorted list closest to `frame`. */
function nearestPiece(list: AcousticPiece[], frame: number): AcousticPiece {
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].endFrame <= frame) lo = mid + 1;
    else hi = mid;
  }
  const candidate = list[lo];
  if (frame >= candidate.firstFrame || lo === 0) return candidate;
  const previous = list[lo - 1];
  return frame - (previous.endFrame - 1) <= candidate.firstFrame - frame ? previous : candidate;
}
