import type { FrameLabels } from '../reconstruction';
import { GaussianStats } from './gaussian';
import { MfccExtractor } from './mfcc';
import type { FrameGrid } from '../segmentation';
import { type Yielder, createYielder } from '../common';

/** A stretch of one track where it talks alone, with the MFCC statistics of its audio. */
export interface AcousticPiece {
  track: number;
  /** Global frames [firstFrame, endFrame). */
  firstFrame: number;
  endFrame: number;
  stats: GaussianStats;
}

export interface PieceOptions {
  maxPieceSeconds: number;
  minPieceSeconds: number;
}

/**
 * Cuts every single-speaker run of every track (frames where exactly one speaker talks) into pieces
 * of at most `maxPieceSeconds`, short enough that one piece rarely spans two voices even where the
 * segmentation model fused them, and computes each piece's MFCC statistics. Awaits `pause` after
 * every piece.
 */
export async function extractPieces(
  samples: Float32Array,
  sampleRate: number,
  trackFrames: FrameLabels,
  count: Uint8Array,
  grid: FrameGrid,
  options: PieceOptions,
  pause: Yielder = createYielder(),
): Promise<AcousticPiece[]> {
  const maxPiece = Math.max(1, Math.round(options.maxPieceSeconds / grid.step));
  const minPiece = Math.max(1, Math.round(options.minPieceSeconds / grid.step));
  const mfcc = new MfccExtractor({ sampleRate });
  const { slots, labels, numFrames } = trackFrames;
  const pieces: AcousticPiece[] = [];
  let runStart = -1;
  let runTrack = -1;
  for (let g = 0; g <= numFrames; g++) {
    const track = g < numFrames && count[g] === 1 ? labels[g * slots] : -1;
    if (track === runTrack && track >= 0) continue;
    if (runTrack >= 0 && g - runStart >= minPiece) {
      const length = g - runStart;
      const parts = Math.ceil(length / maxPiece);
      for (let p = 0; p < parts; p++) {
        pieces.push({
          track: runTrack,
          firstFrame: runStart + Math.round((p * length) / parts),
          endFrame: runStart + Math.round(((p + 1) * length) / parts),
          stats: new GaussianStats(mfcc.dim),
        });
      }
    }
    runStart = g;
    runTrack = track;
  }

  // MFCC frames (10 ms hop) whose centre lies inside the piece's span of the frame grid.
  const buffer = new Float64Array(mfcc.dim);
  const half = mfcc.frameLength / 2;
  const offset = grid.duration / 2 - grid.step / 2;
  for (const piece of pieces) {
    const startSample = (piece.firstFrame * grid.step + offset) * sampleRate;
    const endSample = (piece.endFrame * grid.step + offset) * sampleRate;
    for (let j = Math.max(0, Math.ceil((startSample - half) / mfcc.frameShift)); ; j++) {
      const start = j * mfcc.frameShift;
      if (start + half >= endSample || start + mfcc.frameLength > samples.length) break;
      mfcc.computeFrame(samples, start, buffer, 0);
      piece.stats.add(buffer);
    }
    await pause();
  }
  // A piece needs more frames than dimensions for a usable covariance.
  return pieces.filter((piece) => piece.stats.count > mfcc.dim);
}
