import { maxWeightAssignment } from '../common';
import type { LocalSegmentation } from '../segmentation';

/**
 * A skipped chunk's local speaker takes a neighbour's embedding only when that neighbour's speaker
 * talks in at least this share of its active frames: less, and the two may not be the same voice or
 * most of its speech lies where the neighbour does not see it.
 */
export const MIN_SHARED_ACTIVITY = 0.5;

/** The local speakers of one chunk to run through the model. */
export interface ChunkSpeakers {
  chunk: number;
  speakers: number[];
}

/**
 * Which (chunk, local speaker) pairs are embedded and which copy another's vector, as pair indices
 * `chunk * numLocalSpeakers + speaker`.
 */
export interface EmbeddingPlan {
  /** In increasing chunk order (ChunkFeatures reads chunks in order). */
  embed: ChunkSpeakers[];
  copies: { target: number; source: number }[];
}

/**
 * With `step` = 1 every chunk with speech is embedded (pyannote's way). With `step` = n only every
 * n-th chunk is; each active speaker of a chunk in between takes the embedding of the speaker it
 * matches in the nearer embedded neighbour (then the farther one), matched by co-activity on the
 * frames the two chunks share (Hungarian assignment). A speaker matched in neither is embedded
 * after all: marking it invalid would drop its speech in that chunk from clustering, and it is
 * typically a voice that only starts at the chunk's edge, i.e. new speech worth an embedding.
 */
export function planEmbeddingStep(seg: LocalSegmentation, step: number): EmbeddingPlan {
  const { numChunks, numLocalSpeakers: k } = seg;
  const activeFrames = countActiveFrames(seg);
  const active = (c: number, s: number): boolean => activeFrames[c * k + s] > 0;
  const embed: ChunkSpeakers[] = [];
  const copies: { target: number; source: number }[] = [];
  for (let c = 0; c < numChunks; c++) {
    const speakers = Array.from({ length: k }, (_, s) => s).filter((s) => active(c, s));
    if (speakers.length === 0) continue;
    if (step <= 1 || c % step === 0) {
      embed.push({ chunk: c, speakers });
      continue;
    }
    const previous = c - (c % step);
    const next = previous + step;
    const neighbours = c - previous <= next - c ? [previous, next] : [next, previous];
    const unmatched = new Set(speakers);
    for (const d of neighbours) {
      if (d >= numChunks || unmatched.size === 0) continue;
      const { match, shared } = matchSpeakers(seg, c, d);
      for (const s of [...unmatched]) {
        const t = match[s];
        if (t < 0 || !active(d, t)) continue;
        if (shared[s] < MIN_SHARED_ACTIVITY * activeFrames[c * k + s]) continue;
        copies.push({ target: c * k + s, source: d * k + t });
        unmatched.delete(s);
      }
    }
    if (unmatched.size > 0) embed.push({ chunk: c, speakers: [...unmatched].sort((a, b) => a - b) });
  }
  return { embed, copies };
}

/** Copies each planned copy's source vector and validity onto its target. */
export function applyCopies(
  plan: EmbeddingPlan,
  vectors: Float32Array,
  valid: Uint8Array,
  dimension: number,
): void {
  for (const { target, source } of plan.copies) {
    if (!valid[source]) continue;
    vectors.copyWithin(target * dimension, source * dimension, (source + 1) * dimension);
    valid[target] = 1;
  }
}

function countActiveFrames(seg: LocalSegmentation): Int32Array {
  const { numChunks, framesPerChunk, numLocalSpeakers: k, activity } = seg;
  const counts = new Int32Array(numChunks * k);
  for (let c = 0; c < numChunks; c++) {
    for (let f = 0; f < framesPerChunk; f++) {
      const base = (c * framesPerChunk + f) * k;
      for (let s = 0; s < k; s++) counts[c * k + s] += activity[base + s];
    }
  }
  return counts;
}

/**
 * Local speakers of chunk c matched to those of chunk d by the frames (on the global grid) where
 * both talk (-1: no match); `shared[s]` is the co-active frame count of s with its match.
 */
function matchSpeakers(seg: LocalSegmentation, c: number, d: number): { match: number[]; shared: number[] } {
  const { framesPerChunk, numLocalSpeakers: k, activity, chunkStartFrames } = seg;
  const offset = chunkStartFrames[c] - chunkStartFrames[d];
  const weights = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const first = Math.max(0, -offset);
  const last = Math.min(framesPerChunk, framesPerChunk - offset);
  for (let f = first; f < last; f++) {
    const here = (c * framesPerChunk + f) * k;
    const there = (d * framesPerChunk + f + offset) * k;
    for (let s = 0; s < k; s++) {
      if (!activity[here + s]) continue;
      for (let t = 0; t < k; t++) if (activity[there + t]) weights[s][t]++;
    }
  }
  const match = maxWeightAssignment(weights).map((t, s) => (t >= 0 && weights[s][t] > 0 ? t : -1));
  return { match, shared: match.map((t, s) => (t >= 0 ? weights[s][t] : 0)) };
}
