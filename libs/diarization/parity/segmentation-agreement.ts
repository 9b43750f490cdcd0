import type { LocalSegmentation } from '../segmentation';

export interface SegmentationAgreement {
  /** Share of (window, frame, local speaker) cells equal, after the best permutation per window. */
  cell_agreement: number;
  /** Cells pyannote marks active that this project does not, over pyannote's active cells. */
  missed_fraction: number;
  /** Cells this project marks active that pyannote does not, over pyannote's active cells. */
  extra_fraction: number;
}

/**
 * Compares two segmentations of the same windows (same window count, frames and local speakers),
 * on the frames inside the audio (those `ours` kept). Local speakers are unordered within a window:
 * each window is matched under the permutation that agrees best.
 */
export function compareSegmentations(
  reference: LocalSegmentation,
  ours: LocalSegmentation,
): SegmentationAgreement {
  const k = reference.numLocalSpeakers;
  if (ours.numLocalSpeakers !== k || ours.framesPerChunk !== reference.framesPerChunk) {
    throw new Error(
      `segmentations differ in shape: ${ours.framesPerChunk}x${ours.numLocalSpeakers} against ${reference.framesPerChunk}x${k}`,
    );
  }
  const permutations = permutationsOf(k);
  const chunks = Math.min(reference.numChunks, ours.numChunks);
  const frames = reference.framesPerChunk;
  let cells = 0;
  let equal = 0;
  let referenceActive = 0;
  let missed = 0;
  let extra = 0;
  for (let c = 0; c < chunks; c++) {
    const valid = Math.max(0, Math.min(frames, ours.numFrames - ours.chunkStartFrames[c]));
    let best: { equal: number; missed: number; extra: number } | null = null;
    for (const permutation of permutations) {
      const tally = { equal: 0, missed: 0, extra: 0 };
      for (let f = 0; f < valid; f++) {
        const base = (c * frames + f) * k;
        for (let s = 0; s < k; s++) {
          const theirs = reference.activity[base + s];
          const mine = ours.activity[base + permutation[s]];
          if (theirs === mine) tally.equal++;
          else if (theirs) tally.missed++;
          else tally.extra++;
        }
      }
      if (!best || tally.equal > best.equal) best = tally;
    }
    for (let f = 0; f < valid; f++) {
      for (let s = 0; s < k; s++) referenceActive += reference.activity[(c * frames + f) * k + s];
    }
    cells += valid * k;
    equal += best?.equal ?? 0;
    missed += best?.missed ?? 0;
    extra += best?.extra ?? 0;
  }
  const active = Math.max(1, referenceActive);
  return {
    cell_agreement: cells ? equal / cells : 1,
    missed_fraction: missed / active,
    extra_fraction: extra / active,
  };
}

function permutationsOf(n: number): number[][] {
  if (n <= 1) return [Array.from({ length: n }, (_, i) => i)];
  const out: number[][] = [];
  for (const rest of permutationsOf(n - 1)) {
    for (let at = 0; at <= rest.length; at++) out.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
  }
  return out;
}
