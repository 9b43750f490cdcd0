/** One word with its own times, as Whisper's token timestamps give them (seconds). */
export interface TranscriptWord {
  /** The word as Whisper wrote it: usually with its leading space (" Hello"); none in CJK text. */
  word: string;
  start: number;
  end: number;
  probability?: number;
  speaker?: number;
}

/** One result entry of the contract: consecutive speech of one speaker. */
export interface TranscriptEntry {
  speaker: number;
  start: number;
  end: number;
  text: string;
  words?: readonly TranscriptWord[];
}

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
