import type { SpeakerUtterance } from '../diarization/diarization-engine';
import type { SpeakerTurnEntry, Utterance, WordEntry } from '../results/result-types';
import type { Transcript } from '../speech/speech-engine';

/** Without diarization: Whisper's own segments, all given to speaker 0. */
export function speakerZeroUtterances(transcript: Transcript): SpeakerUtterance[] {
  return transcript.segments.map((segment) => ({
    speaker: 0,
    start: segment.start,
    end: segment.end,
    text: segment.text,
    words: segment.words.map((word) => ({ ...word, speaker: 0 })),
  }));
}

/**
 * The contract's `results`: in time order, text trimmed (empty entries dropped), speakers renumbered
 * 0, 1, ... in order of first appearance, times in seconds rounded to milliseconds.
 */
export function toContractResults(
  utterances: readonly SpeakerUtterance[],
  options: { words?: boolean } = {},
): Utterance[] {
  const ordered = utterances
    .map((utterance) => ({ ...utterance, text: utterance.text.trim() }))
    .filter((utterance) => utterance.text.length > 0)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const numbering = new Map<number, number>();
  return ordered.map((utterance) => {
    if (!numbering.has(utterance.speaker)) numbering.set(utterance.speaker, numbering.size);
    const start = roundMs(Math.max(0, utterance.start));
    const entry: Utterance = {
      speaker: numbering.get(utterance.speaker) as number,
      start,
      end: Math.max(start, roundMs(utterance.end)),
      text: utterance.text,
    };
    // Only on request: without it the entry keeps exactly the contract's four keys.
    if (options.words) entry.words = (utterance.words ?? []).map((word) => toWordEntry(word, entry.speaker));
    return entry;
  });
}

/** A word in the result: times like the entries', the speaker renumbered like its entry's. */
function toWordEntry(
  word: { word: string; start: number; end: number; probability?: number },
  speaker: number,
): WordEntry {
  const start = roundMs(Math.max(0, word.start));
  return {
    word: word.word.trim(),
    start,
    end: Math.max(start, roundMs(word.end)),
    probability: Math.round((word.probability ?? 0) * 1000) / 1000,
    speaker,
  };
}

/** POST /diarize's results: turns in time order, speakers renumbered by first appearance. */
export function toTurnResults(
  turns: readonly { speaker: number; start: number; end: number }[],
): SpeakerTurnEntry[] {
  const ordered = [...turns]
    .filter((turn) => turn.end > turn.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const numbering = new Map<number, number>();
  return ordered.map((turn) => {
    if (!numbering.has(turn.speaker)) numbering.set(turn.speaker, numbering.size);
    const start = roundMs(Math.max(0, turn.start));
    return { speaker: numbering.get(turn.speaker) as number, start, end: Math.max(start, roundMs(turn.end)) };
  });
}

function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
