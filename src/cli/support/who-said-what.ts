import { assignSpeakers, groupUtterances, type SpeakerTurn } from '../../../libs/diarization';
import type { TranscriptEntry, TranscriptWord } from '../../../libs/formats';
import type { Transcription } from '../../../libs/speech';
import { toContractResults } from '../../transcription/combine-results';

/** A result entry with its words; each word's speaker is the entry's. */
export interface EntryWithWords extends TranscriptEntry {
  words: Array<Required<TranscriptWord>>;
}

export interface WhoSaidWhat {
  /** The contract's results (as GET /result gives them) plus each entry's words. */
  entries: EntryWithWords[];
  /** Diarizer speaker -> speaker number in `entries` (0, 1, ... by first appearance). */
  speakerNumbers: Map<number, number>;
}

const byTime = (a: { start: number; end: number }, b: { start: number; end: number }): number =>
  a.start - b.start || a.end - b.end;

/**
 * Words with speakers, the way the server's worker does it: each word goes to the speaker whose
 * exclusive turn overlaps it most (no turns: everyone is speaker 0), consecutive words of one speaker
 * form one entry, and the server's own `toContractResults` trims, orders and renumbers them.
 */
export function combineWithSpeakers(
  transcription: Transcription,
  exclusiveTurns: readonly SpeakerTurn[] | null,
): WhoSaidWhat {
  const words = transcription.segments.flatMap((segment) => segment.words);
  // Sorted and emptied beforehand as toContractResults does, so its stable sort keeps this order and
  // entry i is utterance i: that is how each entry gets its words back.
  const utterances = groupUtterances(assignSpeakers(words, exclusiveTurns ?? []))
    .filter((utterance) => utterance.text.trim() !== '')
    .sort(byTime);
  const results = toContractResults(utterances);
  if (results.length !== utterances.length) {
    throw new Error(`combining lost entries (${utterances.length} in, ${results.length} out)`);
  }
  const speakerNumbers = new Map<number, number>();
  const entries = results.map((result, index) => {
    speakerNumbers.set(utterances[index].speaker, result.speaker);
    return {
      ...result,
      words: utterances[index].words.map((word) => ({
        word: word.word,
        start: roundTo(word.start, 3),
        end: roundTo(Math.max(word.start, word.end), 3),
        probability: roundTo(word.probability ?? 0, 4),
        speaker: result.speaker,
      })),
    };
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
      start: roundTo(turn.start, 3),
      end: roundTo(turn.end, 3),
    };
  });
}

function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
