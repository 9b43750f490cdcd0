import type { SpeakerUtterance } from '../diarization/diarization-engine';
import type { Utterance } from '../results/result-types';
import type { Transcript } from '../speech/speech-engine';

/** Without diarization: Whisper's own segments, all given to speaker 0. */
export function speakerZeroUtterances(transcript: Transcript): SpeakerUtterance[] {
  return transcript.segments.map((segment) => ({
    speaker: 0,
    start: segment.start,
    end: segment.end,
    text: segment.text,
  }));
}

/**
 * The contract's `results`: in time order, text trimmed (empty entries dropped), speakers renumbered
 * 0, 1, ... in order of first appearance, times in seconds rounded to milliseconds.
 */
export function toContractResults(utterances: readonly SpeakerUtterance[]): Utterance[] {
  const ordered = utterances
    .map((utterance) => ({ ...utterance, text: utterance.text.trim() }))
    .filter((utterance) => utterance.text.length > 0)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const numbering = new Map<number, number>();
  return ordered.map((utterance) => {
    if (!numbering.has(utterance.speaker)) numbering.set(utterance.speaker, numbering.size);
    const start = roundMs(Math.max(0, utterance.start));
    return {
      speaker: numbering.get(utterance.speaker) as number,
      start,
      end: Math.max(start, roundMs(utterance.end)),
      text: utterance.text,
    };
  });
}

function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
