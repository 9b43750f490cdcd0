import type { LocalSegmentation } from '../segmentation';

/**
 * More clean frames than this and a speaker is embedded from its clean frames only. pyannote's
 * threshold: the fewest segmentation frames that cover the embedding model's shortest input,
 * ceil(589 * 400 / 160000) = 2 for WeSpeaker (one 25 ms fbank frame = 400 samples).
 */
export const MIN_CLEAN_FRAMES = 2;

/**
 * The per-frame weights pyannote embeds local speaker s of chunk c with: its frames where no other
 * local speaker talks (overlap excluded, community-1's `embedding_exclude_overlap`), or all its
 * frames when those are too few; null when it never talks in the chunk (nothing to embed).
 */
export function speakerMask(seg: LocalSegmentation, c: number, s: number): Float32Array | null {
  const { framesPerChunk, numLocalSpeakers: k, activity } = seg;
  const all = new Float32Array(framesPerChunk);
  const clean = new Float32Array(framesPerChunk);
  let active = 0;
  let cleanCount = 0;
  for (let f = 0; f < framesPerChunk; f++) {
    const base = (c * framesPerChunk + f) * k;
    if (!activity[base + s]) continue;
    all[f] = 1;
    active++;
    let others = 0;
    for (let t = 0; t < k; t++) if (t !== s) others += activity[base + t];
    if (others === 0) {
      clean[f] = 1;
      cleanCount++;
    }
  }
  if (active === 0) return null;
  return cleanCount > MIN_CLEAN_FRAMES ? clean : all;
}

/**
 * Rows of `featureFrames` fbank frames where `mask` is on, the mask stretched to them by nearest
 * neighbour (PyTorch's `interpolate(mode="nearest")`: source index floor(j * in / out)), as pyannote's
 * ONNX WeSpeaker path selects them.
 */
export function maskedFrameRows(mask: Float32Array, featureFrames: number): Int32Array {
  const rows: number[] = [];
  const scale = mask.length / featureFrames;
  for (let j = 0; j < featureFrames; j++) {
    if (mask[Math.min(mask.length - 1, Math.floor(j * scale))] > 0.5) rows.push(j);
  }
  return Int32Array.from(rows);
}
