/**
 * From Silero speech probabilities to speech regions, and from the regions to the audio that
 * Whisper hears: speech only, with a short silence between regions, plus the map that takes
 * times in that audio back to times in the original.
 */

import { releasableSamples } from '../audio';

export const SAMPLE_RATE = 16000;

export interface VadParameters {
  threshold: number;
  minSpeechDurationMs: number;
  minSilenceDurationMs: number;
  maxSpeechDurationS: number;
  speechPadMs: number;
}

/** A half-open range of samples [start, end) of the original audio. */
export interface SampleRange {
  start: number;
  end: number;
}

// Inside a long region, a pause at least this long is where a forced split goes (as Silero does).
const SPLIT_PAUSE_MS = 98;
// Probability must fall this far below the threshold before silence counts (hysteresis).
const HYSTERESIS = 0.15;

const msToSamples = (ms: number): number => Math.round((ms * SAMPLE_RATE) / 1000);

/**
 * Silero's way of reading its probabilities: speech starts at `threshold`, ends after
 * `minSilenceDurationMs` below `threshold - 0.15`; too-short regions are dropped, too-long ones
 * split at their last pause, and every region padded by `speechPadMs` (overlaps merged).
 */
export function speechRegions(
  probabilities: ArrayLike<number>,
  windowSamples: number,
  totalSamples: number,
  params: VadParameters,
): SampleRange[] {
  const negThreshold = Math.max(params.threshold - HYSTERESIS, 0.01);
  const minSilence = msToSamples(params.minSilenceDurationMs);
  const minSpeech = msToSamples(params.minSpeechDurationMs);
  const maxSpeech = Number.isFinite(params.maxSpeechDurationS)
    ? params.maxSpeechDurationS * SAMPLE_RATE
    : Infinity;
  const splitPause = msToSamples(SPLIT_PAUSE_MS);

  const raw: SampleRange[] = [];
  let inSpeech = false;
  let start = 0;
  let silenceStart = -1;
  let lastPause: { end: number; resume: number } | null = null;

  for (let i = 0; i < probabilities.length; i++) {
    const position = i * windowSamples;
    const probability = probabilities[i];
    if (!inSpeech) {
      if (probability >= params.threshold) {
        inSpeech = true;
        start = position;
        silenceStart = -1;
        lastPause = null;
      }
      continue;
    }
    if (probability >= params.threshold) {
      if (silenceStart >= 0 && position - silenceStart >= splitPause) {
        lastPause = { end: silenceStart, resume: position };
      }
      silenceStart = -1;
    } else if (probability < negThreshold) {
      if (silenceStart < 0) silenceStart = position;
      if (position + windowSamples - silenceStart >= minSilence) {
        raw.push({ start, end: silenceStart });
        inSpeech = false;
        continue;
      }
    }
    if (position + windowSamples - start > maxSpeech) {
      if (lastPause && lastPause.end > start) {
        raw.push({ start, end: lastPause.end });
        start = lastPause.resume;
      } else {
        raw.push({ start, end: position + windowSamples });
        start = position + windowSamples;
      }
      lastPause = null;
    }
  }
  if (inSpeech) raw.push({ start, end: silenceStart >= 0 ? silenceStart : totalSamples });

  const pad = msToSamples(params.speechPadMs);
  const regions: SampleRange[] = [];
  for (const region of raw) {
    if (region.end - region.start < minSpeech) continue;
    const padded = { start: Math.max(0, region.start - pad), end: Math.min(totalSamples, region.end + pad) };
    const previous = regions[regions.length - 1];
    if (previous && padded.start <= previous.end) previous.end = Math.max(previous.end, padded.end);
    else if (padded.end > padded.start) regions.push(padded);
  }
  return regions;
}

/** One region's place in the compacted audio. */
interface Piece {
  compactedStart: number;
  originalStart: number;
  length: number;
}

export interface CompactedAudio {
  samples: Float32Array;
  pieces: Piece[];
  gapSamples: number;
}

/**
 * The regions' samples back to back, separated by `gapSeconds` of silence so that Whisper does
 * not run words of two regions together. Their memory can be released at once (releaseSamples)
 * once the addon has its own copy.
 */
export function compactSpeech(
  samples: Float32Array,
  regions: readonly SampleRange[],
  gapSeconds = 0.1,
): CompactedAudio {
  const gapSamples = Math.round(gapSeconds * SAMPLE_RATE);
  const speech = regions.reduce((sum, region) => sum + (region.end - region.start), 0);
  const compacted = releasableSamples(speech + gapSamples * Math.max(0, regions.length - 1));
  const pieces: Piece[] = [];
  let offset = 0;
  for (const [index, region] of regions.entries()) {
    if (index > 0) offset += gapSamples; // already zero
    compacted.set(samples.subarray(region.start, region.end), offset);
    pieces.push({ compactedStart: offset, originalStart: region.start, length: region.end - region.start });
    offset += region.end - region.start;
  }
  return { samples: compacted, pieces, gapSamples };
}

/**
 * Seconds of the compacted audio to seconds of the original. A time in a gap goes to the nearer
 * edge: the end of the region before or the start of the one after.
 */
export function toOriginalSeconds(audio: CompactedAudio, seconds: number): number {
  const { pieces } = audio;
  if (pieces.length === 0) return seconds;
  const position = seconds * SAMPLE_RATE;
  let low = 0;
  let high = pieces.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (pieces[middle].compactedStart <= position) low = middle;
    else high = middle - 1;
  }
  const piece = pieces[low];
  if (position <= piece.compactedStart) return piece.originalStart / SAMPLE_RATE;
  const into = position - piece.compactedStart;
  if (into <= piece.length) return (piece.originalStart + into) / SAMPLE_RATE;
  const next = pieces[low + 1];
  if (next && into - piece.length > audio.gapSamples / 2) return next.originalStart / SAMPLE_RATE;
  return (piece.originalStart + piece.length) / SAMPLE_RATE;
}
