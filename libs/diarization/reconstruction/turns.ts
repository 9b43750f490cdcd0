import type { FrameLabels } from './aggregation';
import { type FrameGrid, frameMiddle } from '../segmentation';

/** Seconds; speakers 0.. in order of first appearance. */
export interface SpeakerTurn {
  speaker: number;
  start: number;
  end: number;
}

export interface TurnOptions {
  /** Read slot 0 only: one speaker at a time. */
  exclusive?: boolean;
  /**
   * Frames that were forced to silence (digital silence); a gap between two turns of one speaker
   * made only of such frames and at most `maxBridgeSeconds` long is part of the turn: a pause
   * inside a sentence, not a change of turn.
   */
  silentFrames?: Uint8Array;
  maxBridgeSeconds?: number;
}

/**
 * Turns of each label: a run of frames i..j-1 holding the label becomes [middle(i), middle(j)),
 * pyannote's Binarize timing, clipped to the audio (a run from frame 0 starts at 0).
 */
export function framesToTurns(
  frameLabels: FrameLabels,
  grid: FrameGrid,
  durationSeconds: number,
  options: TurnOptions = {},
): SpeakerTurn[] {
  const { numFrames, slots, labels } = frameLabels;
  const usedSlots = options.exclusive ? Math.min(1, slots) : slots;
  const time = (frame: number): number =>
    frame <= 0
      ? 0
      : frame >= numFrames
        ? durationSeconds
        : Math.min(durationSeconds, frameMiddle(grid, frame));
  const runs: { speaker: number; first: number; end: number }[] = [];
  const open = new Map<number, number>();
  const present = new Set<number>();
  for (let g = 0; g <= numFrames; g++) {
    present.clear();
    for (let i = 0; g < numFrames && i < usedSlots; i++) {
      const label = labels[g * slots + i];
      if (label >= 0) present.add(label);
    }
    for (const label of present) if (!open.has(label)) open.set(label, g);
    for (const [label, first] of open) {
      if (present.has(label)) continue;
      runs.push({ speaker: label, first, end: g });
      open.delete(label);
    }
  }
  const bridged = bridgeSilentGaps(runs, grid, options);
  return bridged
    .map((run) => ({ speaker: run.speaker, start: time(run.first), end: time(run.end) }))
    .filter((turn) => turn.end > turn.start)
    .sort((a, b) => a.start - b.start || a.speaker - b.speaker);
}

function bridgeSilentGaps(
  runs: { speaker: number; first: number; end: number }[],
  grid: FrameGrid,
  options: TurnOptions,
): { speaker: number; first: number; end: number }[] {
  const silent = options.silentFrames;
  const maxFrames = Math.floor((options.maxBridgeSeconds ?? 0) / grid.step);
  if (!silent || maxFrames <= 0) return runs;
  const silentBefore = new Int32Array(silent.length + 1);
  for (let g = 0; g < silent.length; g++) silentBefore[g + 1] = silentBefore[g] + silent[g];
  const allSilent = (from: number, to: number): boolean =>
    to <= silent.length && silentBefore[to] - silentBefore[from] === to - from;
  const sorted = runs.slice().sort((a, b) => a.speaker - b.speaker || a.first - b.first);
  const out: { speaker: number; first: number; end: number }[] = [];
  for (const run of sorted) {
    const last = out[out.length - 1];
    if (
      last &&
      last.speaker === run.speaker &&
      run.first - last.end <= maxFrames &&
      allSilent(last.end, run.first)
    ) {
      last.end = Math.max(last.end, run.end);
    } else {
      out.push({ ...run });
    }
  }
  return out;
}

/** Renumbers speakers 0.. in order of first appearance over the given turn lists (same mapping for all). */
export function renumberByFirstAppearance(...turnLists: SpeakerTurn[][]): {
  lists: SpeakerTurn[][];
  count: number;
} {
  const order = new Map<number, number>();
  const byStart = turnLists.flat().sort((a, b) => a.start - b.start || a.speaker - b.speaker);
  for (const turn of byStart) if (!order.has(turn.speaker)) order.set(turn.speaker, order.size);
  const lists = turnLists.map((list) =>
    list
      .map((turn) => ({ speaker: order.get(turn.speaker) as number, start: turn.start, end: turn.end }))
      .sort((a, b) => a.start - b.start || a.speaker - b.speaker),
  );
  return { lists, count: order.size };
}
