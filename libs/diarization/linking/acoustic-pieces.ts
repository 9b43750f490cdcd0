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

/**
 * MFCC statistics of every frame where each of `tracks` talks (overlapped frames included), for
 * tracks that never talk alone long enough to give a piece: only these can place them among the
 * clusters. Tracks with too few frames for a covariance are left out.
 */
export async function statsOfTracks(
  samples: Float32Array,
  sampleRate: number,
  trackFrames: FrameLabels,
  grid: FrameGrid,
  tracks: ReadonlySet<number>,
  pause: Yielder = createYielder(),
): Promise<Map<number, GaussianStats>> {
  const mfcc = new MfccExtractor({ sampleRate });
  const { slots, labels, numFrames } = trackFrames;
  const out = new Map<number, GaussianStats>();
  if (tracks.size === 0) return out;
  const buffer = new Float64Array(mfcc.dim);
  const offset = grid.duration / 2 - grid.step / 2;
  // The 10 ms MFCC frames whose centre falls in each grid frame where the track talks.
  for (let g = 0; g < numFrames; g++) {
    if (g % 1024 === 0) await pause();
    for (let i = 0; i < slots; i++) {
      const track = labels[g * slots + i];
      if (track < 0 || !tracks.has(track)) continue;
      let stats = out.get(track);
      if (!stats) out.set(track, (stats = new GaussianStats(mfcc.dim)));
      const from = (g * grid.step + offset) * sampleRate - mfcc.frameLength / 2;
      const to = from + grid.step * sampleRate;
      for (let j = Math.max(0, Math.ceil(from / mfcc.frameShift)); j * mfcc.frameShift < to; j++) {
        const start = j * mfcc.frameShift;
        if (start + mfcc.frameLength > samples.length) break;
        mfcc.computeFrame(samples, start, buffer, 0);
        stats.add(buffer);
      }
    }
  }
  for (const [track, stats] of out) if (stats.count <= mfcc.dim) out.delete(track);
  return out;
}
