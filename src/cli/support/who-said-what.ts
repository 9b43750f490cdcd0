import { assignSpeakers, groupUtterances, type SpeakerTurn } from '../../../libs/diarization';
import type { Transcription } from '../../../libs/speech';
import type { SpeakerUtterance } from '../../diarization/diarization-engine';
import type { Utterance, WordEntry } from '../../results/result-types';
import { speakerZeroUtterances, toContractResults } from '../../transcription/combine-results';

/** A result entry as GET /result gives it with word_timestamps=true. */
export type EntryWithWords = Utterance & { words: WordEntry[] };

export interface WhoSaidWhat {
  /** The contract's results, each with its words (trimmed, speaker renumbered like the entry). */
  entries: EntryWithWords[];
  /** Diarizer speaker -> speaker number in `entries` (0, 1, ... by first appearance). */
  speakerNumbers: Map<number, number>;
}

const byTime = (a: { start: number; end: number }, b: { start: number; end: number }): number =>
  a.start - b.start || a.end - b.end;

/**
 * Words with speakers exactly as the server's worker combines them (the same library calls and the
 * same `toContractResults`): with diarization, each word goes to the speaker whose exclusive turn
 * overlaps it most and consecutive words of one speaker form an entry; without, Whisper's segments
 * all go to speaker 0.
 */
export function combineWithSpeakers(
  transcription: Transcription,
  exclusiveTurns: readonly SpeakerTurn[] | null,
): WhoSaidWhat {
  const utterances: SpeakerUtterance[] = exclusiveTurns
    ? groupUtterances(
        assignSpeakers(
          transcription.segments.flatMap((segment) => segment.words),
          exclusiveTurns,
        ),
      )
    : speakerZeroUtterances(transcription);
  // Emptied and sorted as toContractResults does, so that its stable sort keeps this order and
  // entry i comes from utterance i: that is how the diarizer's speaker numbers map to the entries'.
  const kept = utterances.filter((utterance) => utterance.text.trim() !== '').sort(byTime);
  const results = toContractResults(kept, { words: true });
  if (results.length !== kept.length) {
    throw new Error(`combining lost entries (${kept.length} in, ${results.length} out)`);
  }
  const speakerNumbers = new Map<number, number>();
  const entries = results.map((entry, index) => {
    speakerNumbers.set(kept[index].speaker, entry.speaker);
    return { ...entry, words: entry.words ?? [] };
  });
  return { entries, speakerNumbers };
}

/**
 * The diarizer's turns numbered like the transcript: a speaker who said words keeps their number there;
 * one who said none (speech Whisper did not transcribe) takes the next free number, by first turn.
 */
export function numberTurnsLikeEntries(
  turns: readonly SpeakerTurn[],
  speakerNumbers: ReadonlyMap<number, number>,
): SpeakerTurn[] {
  const numbers = new Map(speakerNumbers);
  let next = Math.max(-1, ...numbers.values()) + 1;
  return [...turns].sort(byTime).map((turn) => {
    if (!numbers.has(turn.speaker)) numbers.set(turn.speaker, next++);
    return {
      speaker: numbers.get(turn.speaker) as number,
      start: roundMs(turn.start),
      end: roundMs(turn.end),
    };
  });
}

function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
