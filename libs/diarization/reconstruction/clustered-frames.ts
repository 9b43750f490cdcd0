import type { FrameLabels } from './aggregation';
import type { LocalSegmentation } from '../segmentation';

/** The per-frame speaker count, capped at the most speakers allowed (pyannote caps it so). */
export function capSpeakerCount(count: Uint8Array, maxSpeakers: number): Uint8Array {
  return count.map((value) => Math.min(value, maxSpeakers));
}

/**
 * Community-1's reconstruction: each global frame scores every cluster by summing, over the windows
 * that see the frame, the activity of that window's local speakers assigned to it (the most active of
 * them where several share a cluster), and keeps the `count[g]` best clusters, ties to the lower
 * cluster. Like pyannote, it keeps them even when their score is 0, and when the count exceeds the
 * number of clusters it adds speakers numbered from the cluster count up (pyannote pads its frame
 * matrix with such columns, which become speakers of their own).
 * `hardClusters[chunk * numLocalSpeakers + s]`: a cluster, or a negative value for none.
 */
export function reconstructFromClusters(
  seg: LocalSegmentation,
  hardClusters: Int32Array,
  count: Uint8Array,
): FrameLabels {
  const { numChunks, framesPerChunk, numLocalSpeakers: k, activity, chunkStartFrames, numFrames } = seg;
  let numClusters = 0;
  for (const cluster of hardClusters) numClusters = Math.max(numClusters, cluster + 1);
  let slots = 1;
  for (let g = 0; g < numFrames; g++) slots = Math.max(slots, count[g]);
  const columns = Math.max(numClusters, slots);
  const labels = new Int32Array(numFrames * slots).fill(-1);
  const score = new Float64Array(columns);
  const local = new Float64Array(columns);
  const taken = new Uint8Array(columns);
  let firstChunk = 0;
  for (let g = 0; g < numFrames; g++) {
    const wanted = count[g];
    if (wanted === 0) continue;
    while (firstChunk < numChunks && chunkStartFrames[firstChunk] + framesPerChunk <= g) firstChunk++;
    score.fill(0);
    for (let c = firstChunk; c < numChunks && chunkStartFrames[c] <= g; c++) {
      const base = (c * framesPerChunk + g - chunkStartFrames[c]) * k;
      local.fill(0);
      for (let s = 0; s < k; s++) {
        const cluster = hardClusters[c * k + s];
        if (cluster >= 0 && activity[base + s] > local[cluster]) local[cluster] = activity[base + s];
      }
      for (let j = 0; j < numClusters; j++) score[j] += local[j];
    }
    taken.fill(0);
    for (let i = 0; i < Math.min(wanted, columns); i++) {
      let best = -1;
      for (let j = 0; j < columns; j++) if (!taken[j] && (best < 0 || score[j] > score[best])) best = j;
      taken[best] = 1;
      labels[g * slots + i] = best;
    }
  }
  return { numFrames, slots, labels };
}
