import { readFileSync } from 'node:fs';
import type { Transcription } from '../../libs/speech';

/** A fixture's reference turns (NAME.json beside NAME.wav): who says what, when. */
export interface ReferenceTurn {
  speaker: number;
  start: number;
  end: number;
  text: string;
}

export interface ReferenceWord {
  word: string;
  start: number;
  end: number;
  speaker: number;
}

export function readReferenceTurns(jsonFile: string): ReferenceTurn[] {
  return (JSON.parse(readFileSync(jsonFile, 'utf8')) as { turns: ReferenceTurn[] }).turns;
}

/**
 * What a real Whisper model would give for the fixture (no real Whisper weights exist here): each
 * reference turn's words spread over the turn in proportion to their length, with Whisper's leading
 * spaces, one segment per turn.
 */
export function referenceTranscription(turns: readonly ReferenceTurn[]): {
  transcription: Transcription;
  words: ReferenceWord[];
} {
  const words: ReferenceWord[] = [];
  const segments = turns.map((turn) => {
    const tokens = turn.text.split(/\s+/).filter(Boolean);
    const letters = tokens.reduce((sum, token) => sum + token.length, 0);
    let at = turn.start;
    const segmentWords = tokens.map((token) => {
      const end = at + ((turn.end - turn.start) * token.length) / letters;
      const word = { word: ` ${token}`, start: at, end, probability: 0.9 };
      words.push({ word: token, start: at, end, speaker: turn.speaker });
      at = end;
      return word;
    });
    return {
      start: turn.start,
      end: turn.end,
      text: ` ${turn.text}`,
      noSpeechProb: 0.01,
      words: segmentWords,
    };
  });
  return { transcription: { language: 'en', segments, speechRegions: [] }, words };
}
