import type { SpeakerTurn } from '../../../libs/diarization';
import {
  channelSpeakerNumbers,
  numberTurns,
  toResultEntries,
  type ResultEntry,
  type ResultWord,
  type Transcript,
} from '../../../libs/pipeline';

/** A result entry as GET /result gives it with word_timestamps=true. */
export type EntryWithWords = ResultEntry & { words: ResultWord[] };

export interface NumberedTranscript {
  /** The contract's results, each with its words (trimmed, speaker renumbered like the entry). */
  entries: EntryWithWords[];
  /** Who spoke when, numbered like `entries`; null without diarization. */
  turns: SpeakerTurn[] | null;
}

/**
 * The pipeline's transcript in the contract's numbering, as the server delivers it: speakers from 0
 * by first appearance in the entries; a diarized speaker who said no words takes the next number.
 */
export function numberTranscript(
  transcript: Pick<Transcript, 'utterances' | 'turns' | 'channels'>,
): NumberedTranscript {
  const { entries, speakerNumbers } = toResultEntries(transcript.utterances, {
    words: true,
    speakerNumbers: channelSpeakerNumbers(transcript),
  });
  return {
    entries: entries.map((entry) => ({ ...entry, words: entry.words ?? [] })),
    turns: transcript.turns ? numberTurns(transcript.turns, speakerNumbers) : null,
  };
}
