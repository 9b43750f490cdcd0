import type { LocalSegmentation } from '../segmentation';
import type { Yielder } from '../common';

/**
 * Marks frames whose audio is digital silence: the segmentation model calls some of those speech
 * on synthetic audio. The threshold is the lower of an absolute floor and a level far below the
 * file's loud frames. The floor, -90 dBFS, is the quantization noise of 16-bit audio: a real
 * microphone's noise floor sits above it, while real close-talk meeting mixes do dip to -85 dBFS
 * between words (a -70 dBFS floor cleared real speech there).
 */
export async function findSilentFrames(
  samples: Float32Array,
  seg: LocalSegmentation,
  sampleRate: number,
  options: { absoluteFloorDb?: number; belowLoudDb?: number; pause?: Yielder } = {},
): Promise<Uint8Array> {
  const { numFrames, frames } = seg;
  const shift = frames.step * sampleRate;
  const size = Math.round(frames.duration * sampleRate);
  const levels = new Float32Array(numFrames);
  for (let g = 0; g < numFrames; g++) {
    if (g % 1024 === 0) await options.pause?.();
    const start = Math.round(g * shift);
    const end = Math.min(samples.length, start + size);
    let energy = 0;
    for (let i = start; i < end; i++) energy += samples[i] * samples[i];
    levels[g] = 10 * Math.log10(energy / Math.max(1, end - start) + 1e-20);
  }
  const sorted = Float32Array.from(levels).sort();
  const loud = sorted.length > 0 ? sorted[Math.floor(0.9 * (sorted.length - 1))] : 0;
  const threshold = Math.min(options.absoluteFloorDb ?? -90, loud - (options.belowLoudDb ?? 45));
  const silent = new Uint8Array(numFrames);
  for (let g = 0; g < numFrames; g++) silent[g] = levels[g] < threshold ? 1 : 0;
  return silent;
}

/** Clears every local speaker's activity on the given global frames. */
export function clearFrames(seg: LocalSegmentation, cleared: Uint8Array): void {
  const { numChunks, framesPerChunk, numLocalSpeakers, activity, chunkStartFrames, numFrames } = seg;
  for (let c = 0; c < numChunks; c++) {
    const last = Math.min(framesPerChunk, numFrames - chunkStartFrames[c]);
    for (let f = 0; f < last; f++) {
      if (!cleared[chunkStartFrames[c] + f]) continue;
      activity.fill(
        0,
        (c * framesPerChunk + f) * numLocalSpeakers,
        (c * framesPerChunk + f + 1) * numLocalSpeakers,
      );
    }
  }
}

/**
 * How many speakers talk in each global frame: the number of active local speakers averaged over
 * the windows that see the frame, rounded half to even (pyannote's speaker_count).
 */
export function estimateSpeakerCount(seg: LocalSegmentation): Uint8Array {
  const { numChunks, framesPerChunk, numLocalSpeakers, activity, chunkStartFrames, numFrames } = seg;
  const sum = new Float32Array(numFrames);
  const seen = new Uint16Array(numFrames);
  for (let c = 0; c < numChunks; c++) {
    const last = Math.min(framesPerChunk, numFrames - chunkStartFrames[c]);
    for (let f = 0; f < last; f++) {
      const g = chunkStartFrames[c] + f;
      let active = 0;
      const base = (c * framesPerChunk + f) * numLocalSpeakers;
      for (let s = 0; s < numLocalSpeakers; s++) active += activity[base + s];
      sum[g] += active;
      seen[g]++;
    }
  }
  const count = new Uint8Array(numFrames);
  for (let g = 0; g < numFrames; g++) count[g] = seen[g] ? roundHalfEven(sum[g] / seen[g]) : 0;
  return count;
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}

/**
 * Per frame, the labels of the speakers that talk, most active first: `labels[g * slots + i]`,
 * -1 past the last one. Slot 0 alone is the exclusive (one speaker at a time) view.
 */
export interface FrameLabels {
  numFrames: number;
  slots: number;
  labels: Int32Array;
}

/**
 * pyannote's reconstruction without a dense frames x speakers matrix: each frame sums, per global
 * label, the activity of the local speakers mapped to it over the windows that see the frame, and
 * keeps the `count[g]` labels with the most (a label needs some activity to be kept).
 * `labelOf(chunk, localSpeaker)` gives the global label, or -1 for none.
 */
export function reconstructFrames(
  seg: LocalSegmentation,
  count: Uint8Array,
  labelOf: (chunk: number, localSpeaker: number) => number,
): FrameLabels {
  const { numChunks, framesPerChunk, numLocalSpeakers, activity, chunkStartFrames, numFrames } = seg;
  let slots = 1;
  for (let g = 0; g < numFrames; g++) slots = Math.max(slots, count[g]);
  const labels = new Int32Array(numFrames * slots).fill(-1);
  const chunkLabels = new Int32Array(numChunks * numLocalSpeakers);
  for (let c = 0; c < numChunks; c++) {
    for (let s = 0; s < numLocalSpeakers; s++) chunkLabels[c * numLocalSpeakers + s] = labelOf(c, s);
  }
  const scores = new Map<number, number>();
  let firstChunk = 0;
  for (let g = 0; g < numFrames; g++) {
    const wanted = count[g];
    if (wanted === 0) continue;
    while (firstChunk < numChunks && chunkStartFrames[firstChunk] + framesPerChunk <= g) firstChunk++;
    scores.clear();
    for (let c = firstChunk; c < numChunks && chunkStartFrames[c] <= g; c++) {
      const base = (c * framesPerChunk + g - chunkStartFrames[c]) * numLocalSpeakers;
      for (let s = 0; s < numLocalSpeakers; s++) {
        if (!activity[base + s]) continue;
        const label = chunkLabels[c * numLocalSpeakers + s];
        if (label >= 0) scores.set(label, (scores.get(label) ?? 0) + 1);
      }
    }
    const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    for (let i = 0; i < Math.min(wanted, ranked.length); i++) labels[g * slots + i] = ranked[i][0];
  }
  return { numFrames, slots, labels };
}
