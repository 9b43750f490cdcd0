import type { ScoredTurn } from './der';

/** The turns of one recording, as read from a reference or hypothesis file. */
export interface Recording {
  /** The RTTM's file id, or the file name's stem where the file carries none (JSON). */
  id: string;
  /** The stem of the file it came from. */
  stem: string;
  turns: ScoredTurn[];
}

export interface RecordingPair {
  id: string;
  reference: Recording;
  /** Null where no hypothesis matched: every reference second is then missed. */
  hypothesis: Recording | null;
}

/**
 * Pairs each reference recording with its hypothesis: same file id first, then the same id or file
 * stem on either side (an RTTM named after its recording whose lines carry another id). One
 * reference and one hypothesis recording pair up whatever their names, as two files given by hand.
 * Hypotheses that match nothing are returned apart (they are not scored).
 */
export function pairRecordings(
  references: readonly Recording[],
  hypotheses: readonly Recording[],
): { pairs: RecordingPair[]; unmatched: Recording[] } {
  if (references.length === 1 && hypotheses.length === 1) {
    return {
      pairs: [{ id: references[0].id, reference: references[0], hypothesis: hypotheses[0] }],
      unmatched: [],
    };
  }
  const free = new Set(hypotheses);
  const take = (test: (hypothesis: Recording) => boolean): Recording | null => {
    for (const hypothesis of free) {
      if (test(hypothesis)) {
        free.delete(hypothesis);
        return hypothesis;
      }
    }
    return null;
  };
  const found = references.map((reference) => take((hypothesis) => hypothesis.id === reference.id));
  const pairs = references.map((reference, i): RecordingPair => {
    const names = new Set([reference.id, reference.stem]);
    const hypothesis = found[i] ?? take((candidate) => names.has(candidate.id) || names.has(candidate.stem));
    return { id: reference.id, reference, hypothesis };
  });
  return { pairs, unmatched: [...free] };
}
