import { maxWeightAssignment } from '../common';

export interface ScoredTurn {
  speaker: string | number;
  start: number;
  end: number;
}

export interface DerResult {
  /** (miss + falseAlarm + confusion) / referenceSeconds; 0 when both are empty. */
  der: number;
  /** Each as a fraction of the reference speech time, like `der`. */
  miss: number;
  falseAlarm: number;
  confusion: number;
  /** Total reference speaker time (overlapped speech counts once per speaker). */
  referenceSeconds: number;
  /** The errors in seconds of speaker time, so that results of several files add up. */
  missSeconds: number;
  falseAlarmSeconds: number;
  confusionSeconds: number;
}

/**
 * Diarization error rate, NIST style: no collar, overlapped speech scored, hypothesis speakers mapped
 * one-to-one onto reference speakers so that their co-occurring time is largest (Hungarian algorithm).
 * Computed exactly over the intervals between turn boundaries (no frame rounding).
 */
export function computeDer(reference: readonly ScoredTurn[], hypothesis: readonly ScoredTurn[]): DerResult {
  const refIds = indexSpeakers(reference);
  const hypIds = indexSpeakers(hypothesis);
  const events: { time: number; side: 0 | 1; speaker: number; delta: 1 | -1 }[] = [];
  for (const [side, turns, ids] of [
    [0, reference, refIds],
    [1, hypothesis, hypIds],
  ] as const) {
    for (const turn of turns) {
      if (!(turn.end > turn.start)) continue;
      const speaker = ids.get(String(turn.speaker)) as number;
      events.push({ time: turn.start, side, speaker, delta: 1 });
      events.push({ time: turn.end, side, speaker, delta: -1 });
    }
  }
  events.sort((a, b) => a.time - b.time);
  const refActive = new Int32Array(refIds.size);
  const hypActive = new Int32Array(hypIds.size);
  const cooccurrence = Array.from({ length: refIds.size }, () => new Array<number>(hypIds.size).fill(0));
  // Intervals of constant speaker sets, kept as (duration, ref set, hyp set) for the second pass.
  const intervals: { duration: number; ref: number[]; hyp: number[] }[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    (event.side === 0 ? refActive : hypActive)[event.speaker] += event.delta;
    const next = events[i + 1];
    if (!next || next.time <= event.time) continue;
    const duration = next.time - event.time;
    const ref = activeIndices(refActive);
    const hyp = activeIndices(hypActive);
    if (ref.length === 0 && hyp.length === 0) continue;
    intervals.push({ duration, ref, hyp });
    for (const r of ref) for (const h of hyp) cooccurrence[r][h] += duration;
  }
  const mapping = maxWeightAssignment(cooccurrence); // ref index -> hyp index
  const refOfHyp = new Int32Array(hypIds.size).fill(-1);
  mapping.forEach((h, r) => {
    if (h >= 0 && cooccurrence[r][h] > 0) refOfHyp[h] = r;
  });
  let total = 0;
  let miss = 0;
  let falseAlarm = 0;
  let confusion = 0;
  for (const { duration, ref, hyp } of intervals) {
    const refSet = new Set(ref);
    let correct = 0;
    for (const h of hyp) if (refOfHyp[h] >= 0 && refSet.has(refOfHyp[h])) correct++;
    total += duration * ref.length;
    miss += duration * Math.max(0, ref.length - hyp.length);
    falseAlarm += duration * Math.max(0, hyp.length - ref.length);
    confusion += duration * (Math.min(ref.length, hyp.length) - correct);
  }
  return derFromSeconds(total, miss, falseAlarm, confusion);
}

/**
 * One DER over several files: total error time over total reference speech (NIST's aggregate, as
 * md-eval reports it), never a mean of per-file rates.
 */
export function aggregateDer(results: readonly DerResult[]): DerResult {
  let total = 0;
  let miss = 0;
  let falseAlarm = 0;
  let confusion = 0;
  for (const result of results) {
    total += result.referenceSeconds;
    miss += result.missSeconds;
    falseAlarm += result.falseAlarmSeconds;
    confusion += result.confusionSeconds;
  }
  return derFromSeconds(total, miss, falseAlarm, confusion);
}

function derFromSeconds(total: number, miss: number, falseAlarm: number, confusion: number): DerResult {
  const seconds = { missSeconds: miss, falseAlarmSeconds: falseAlarm, confusionSeconds: confusion };
  if (total === 0) {
    const errors = miss + falseAlarm + confusion;
    return {
      der: errors > 0 ? Infinity : 0,
      miss: 0,
      falseAlarm: errors > 0 ? Infinity : 0,
      confusion: 0,
      referenceSeconds: 0,
      ...seconds,
    };
  }
  return {
    der: (miss + falseAlarm + confusion) / total,
    miss: miss / total,
    falseAlarm: falseAlarm / total,
    confusion: confusion / total,
    referenceSeconds: total,
    ...seconds,
  };
}

function indexSpeakers(turns: readonly ScoredTurn[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (const turn of turns) {
    const key = String(turn.speaker);
    if (!ids.has(key)) ids.set(key, ids.size);
  }
  return ids;
}

function activeIndices(active: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < active.length; i++) if (active[i] > 0) out.push(i);
  return out;
}
