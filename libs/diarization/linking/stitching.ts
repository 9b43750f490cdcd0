import { maxWeightAssignment } from '../common';
import type { LocalSegmentation } from '../segmentation';

export interface StitchOptions {
  /** A local speaker needs this many active frames in its window to count at all. */
  minActiveFrames?: number;
  /** Two local speakers of consecutive windows are the same when they agree on this share of the overlap. */
  minAgreement?: number;
}

export interface Tracks {
  /** `trackOf[chunk * numLocalSpeakers + speaker]`, -1 for an inactive local speaker. */
  trackOf: Int32Array;
  numTracks: number;
}

/**
 * Links local speakers of consecutive (overlapping) windows: per pair of windows, local speakers are
 * matched one-to-one where their activity agrees most on the shared frames, and a match that agrees on
 * enough of the shared speech joins the two into one track (union-find). A speaker silent for longer
 * than the overlap starts a new track; acoustic re-identification reunites those later.
 */
export function stitchLocalSpeakers(seg: LocalSegmentation, options: StitchOptions = {}): Tracks {
  const { numChunks, framesPerChunk, numLocalSpeakers: k, activity, chunkStartFrames, numFrames } = seg;
  const minActive = options.minActiveFrames ?? 5;
  const minAgreement = options.minAgreement ?? 0.5;
  const parent = new Int32Array(numChunks * k);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };

  const activeFrames = new Int32Array(numChunks * k);
  for (let c = 0; c < numChunks; c++) {
    for (let f = 0; f < framesPerChunk; f++) {
      const base = (c * framesPerChunk + f) * k;
      for (let s = 0; s < k; s++) activeFrames[c * k + s] += activity[base + s];
    }
  }

  for (let c = 0; c + 1 < numChunks; c++) {
    const shift = chunkStartFrames[c + 1] - chunkStartFrames[c];
    const end = Math.min(framesPerChunk, numFrames - chunkStartFrames[c]);
    if (shift >= end) continue;
    const agree = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const activeA = new Int32Array(k);
    const activeB = new Int32Array(k);
    for (let f = shift; f < end; f++) {
      const a = (c * framesPerChunk + f) * k;
      const b = ((c + 1) * framesPerChunk + f - shift) * k;
      for (let s = 0; s < k; s++) {
        activeA[s] += activity[a + s];
        activeB[s] += activity[b + s];
        if (!activity[a + s]) continue;
        for (let t = 0; t < k; t++) agree[s][t] += activity[b + t];
      }
    }
    const match = maxWeightAssignment(agree);
    for (let s = 0; s < k; s++) {
      const t = match[s];
      if (t < 0) continue;
      if (activeFrames[c * k + s] < minActive || activeFrames[(c + 1) * k + t] < minActive) continue;
      const shared = agree[s][t];
      if (shared < minActive || shared < minAgreement * Math.min(activeA[s], activeB[t])) continue;
      const ra = find(c * k + s);
      const rb = find((c + 1) * k + t);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }

  const trackOf = new Int32Array(numChunks * k).fill(-1);
  const ids = new Map<number, number>();
  for (let i = 0; i < trackOf.length; i++) {
    if (activeFrames[i] < minActive) continue;
    const root = find(i);
    let id = ids.get(root);
    if (id === undefined) {
      id = ids.size;
      ids.set(root, id);
    }
    trackOf[i] = id;
  }
  return { trackOf, numTracks: ids.size };
}
