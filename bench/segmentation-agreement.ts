import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { LocalSegmentation } from '../libs/diarization/segmentation';

/** A parity folder of ../shared/fixtures whose audio is on hand, with pyannote's fp32 segmentations of it. */
export interface ParityClip {
  name: string;
  audio: string;
  intermediates: string;
}

export function parityClips(sharedDir: string): ParityClip[] {
  const parity = (folder: string, audio?: string): ParityClip => ({
    name: folder,
    audio: audio ?? path.join(sharedDir, 'fixtures', 'parity', folder, 'clip_16k.wav'),
    intermediates: path.join(sharedDir, 'fixtures', 'parity', folder, 'pyannote-intermediates.json'),
  });
  return [
    parity('02_pyannote_sample', path.join(sharedDir, 'fixtures', 'real', 'pyannote-sample.wav')),
    parity('03_dual_speaker'),
    parity('05_four_speaker'),
  ];
}

/** pyannote's binarized segmentation per window: `[chunks, frames, speakers]`, C order. */
export interface PyannoteSegmentations {
  chunks: number;
  frames: number;
  speakers: number;
  data: ArrayLike<number>;
  /** Seconds between window starts. */
  chunkStep: number;
}

export function readPyannoteSegmentations(file: string): PyannoteSegmentations {
  const arrays = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    { shape: number[]; data: number[] | number }
  >;
  const { shape, data } = arrays.segmentations;
  if (shape.length !== 3 || !Array.isArray(data)) throw new Error(`${file}: segmentations is not [c, f, s]`);
  const step = arrays.chunk_step?.data;
  return {
    chunks: shape[0],
    frames: shape[1],
    speakers: shape[2],
    data,
    chunkStep: typeof step === 'number' ? step : Array.isArray(step) ? step[0] : 1,
  };
}

export interface SegmentationAgreement {
  /** Cells (window, frame, local speaker) equal, under the best local-speaker permutation per window. */
  cellAgreement: number;
  /** pyannote's active cells that ours leaves inactive, and ours active where pyannote's are not. */
  missedFraction: number;
  extraFraction: number;
  windows: number;
}

/**
 * Compares this project's segmentation of the same windows with pyannote's. Local speakers are numbered
 * independently in each window by each model, so every window is compared under the permutation of its
 * local speakers that agrees best.
 */
export function segmentationAgreement(
  ours: LocalSegmentation,
  theirs: PyannoteSegmentations,
): SegmentationAgreement {
  const speakers = theirs.speakers;
  if (ours.numLocalSpeakers !== speakers) throw new Error('local speaker counts differ');
  const windows = Math.min(ours.numChunks, theirs.chunks);
  const frames = Math.min(ours.framesPerChunk, theirs.frames);
  const permutations = permute([...Array(speakers).keys()]);
  let equal = 0;
  let missed = 0;
  let extra = 0;
  let active = 0;
  for (let c = 0; c < windows; c++) {
    let best = { equal: -1, missed: 0, extra: 0 };
    for (const permutation of permutations) {
      const counts = { equal: 0, missed: 0, extra: 0 };
      for (let f = 0; f < frames; f++) {
        for (let s = 0; s < speakers; s++) {
          const reference = theirs.data[(c * theirs.frames + f) * speakers + s] > 0.5;
          const mine = ours.activity[(c * ours.framesPerChunk + f) * speakers + permutation[s]] === 1;
          if (reference === mine) counts.equal++;
          else if (reference) counts.missed++;
          else counts.extra++;
        }
      }
      if (counts.equal > best.equal) best = counts;
    }
    equal += best.equal;
    missed += best.missed;
    extra += best.extra;
    for (let i = c * theirs.frames * speakers; i < (c * theirs.frames + frames) * speakers; i++)
      if (theirs.data[i] > 0.5) active++;
  }
  return {
    cellAgreement: equal / (windows * frames * speakers),
    missedFraction: missed / Math.max(1, active),
    extraFraction: extra / Math.max(1, active),
    windows,
  };
}

function permute(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permute([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
