import type { LocalEmbeddings } from '../embeddings';
import type { LocalSegmentation } from '../segmentation';

/** Share of a window's frames a local speaker must talk alone in for its embedding to be clustered. */
export const MIN_CLEAN_ACTIVE_RATIO = 0.2;

/** The (window, local speaker) pairs whose embeddings are clustered, in window then speaker order. */
export interface TrainingSet {
  chunk: Int32Array;
  speaker: Int32Array;
}

/**
 * pyannote's filter_embeddings: a local speaker's embedding is clustered when it talks alone (no
 * other local speaker of its window active) on at least 20 % of the window's frames and the
 * embedding was computed. The others are only assigned to the clusters afterwards.
 */
export function selectTrainingSet(seg: LocalSegmentation, embeddings: LocalEmbeddings): TrainingSet {
  const { numChunks, framesPerChunk, numLocalSpeakers: k, activity } = seg;
  const minFrames = MIN_CLEAN_ACTIVE_RATIO * framesPerChunk;
  const clean = new Int32Array(k);
  const chunks: number[] = [];
  const speakers: number[] = [];
  for (let c = 0; c < numChunks; c++) {
    clean.fill(0);
    for (let f = 0; f < framesPerChunk; f++) {
      const base = (c * framesPerChunk + f) * k;
      let active = 0;
      let who = -1;
      for (let s = 0; s < k; s++) {
        if (!activity[base + s]) continue;
        active++;
        who = s;
      }
      if (active === 1) clean[who]++;
    }
    for (let s = 0; s < k; s++) {
      if (clean[s] >= minFrames && embeddings.valid[c * k + s]) {
        chunks.push(c);
        speakers.push(s);
      }
    }
  }
  return { chunk: Int32Array.from(chunks), speaker: Int32Array.from(speakers) };
}

/** Whether each (window, local speaker) talks at all in its window. */
export function activePairs(seg: LocalSegmentation): Uint8Array {
  const { numChunks, framesPerChunk, numLocalSpeakers: k, activity } = seg;
  const active = new Uint8Array(numChunks * k);
  for (let c = 0; c < numChunks; c++) {
    for (let f = 0; f < framesPerChunk; f++) {
      const base = (c * framesPerChunk + f) * k;
      for (let s = 0; s < k; s++) if (activity[base + s]) active[c * k + s] = 1;
    }
  }
  return active;
}
