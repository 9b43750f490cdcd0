import type { TimedWord, Utterance } from '../diarization';

/** A word as the renderers read it (Whisper's leading space kept or not); its entry's speaker is used. */
export type TranscriptWord = TimedWord & { speaker?: number };

/** An utterance as the renderers read it: the words are optional (used to cut cues where present). */
export type TranscriptEntry = Omit<Utterance, 'words'> & { words?: readonly TranscriptWord[] };

/** How subtitle cues are cut. The defaults follow common broadcast guidance (2 lines of 42, at most 7 s). */
export interface CueOptions {
  /** Longest line in characters; a single longer word still gets its own line. Default 42. */
  maxLineChars?: number;
  /** Lines per cue. Default 2. */
  maxLines?: number;
  /** Longest cue in seconds; only one word longer than this may exceed it. Default 7. */
  maxCueSeconds?: number;
  /** Show who speaks (`[SPEAKER 0]` in SRT, a `<v Speaker 0>` voice tag in VTT). Default true. */
  speakerLabels?: boolean;
}

/** A subtitle cue in whole milliseconds, its text already wrapped into lines. */
export interface Cue {
  startMs: number;
  endMs: number;
  speaker: number;
  lines: string[];
}
