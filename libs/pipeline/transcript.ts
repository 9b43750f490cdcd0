import type { SpeakerTurn, Utterance } from '../diarization';
import type { Segment, SpeechRegion } from '../speech';

/**
 * Who said what in one recording, everything the pipeline learnt: what each output (the HTTP
 * contract, OpenAI's shapes, subtitles, RTTM) is rendered from.
 */
export interface Transcript {
  /** Whisper's detected (or the requested) language; '' when there was no speech to detect it from. */
  language: string;
  /** Length of the decoded audio, exact (from the samples). */
  durationSeconds: number;
  /** Whisper's own segments, with their no-speech probability and words. */
  segments: Segment[];
  /** Consecutive words of one speaker, speakers as the diarizer numbered them (0 without diarization). */
  utterances: Utterance[];
  /** Who speaks when, overlaps included, numbered like `utterances`; null without diarization. */
  turns: SpeakerTurn[] | null;
  /** Where VAD found speech; [] without VAD. */
  speechRegions: SpeechRegion[];
  /**
   * Things the reader should know about how this transcript was made, one line each, never a server
   * path: a decode that stopped short of the file's declared length, no diarization installed.
   */
  warnings: string[];
  /**
   * Set when every speaker is an audio channel (per-channel speakers): speaker n is channel n
   * (0 = left, 1 = right, ...), numbers kept as they are rather than by first appearance.
   */
  channels?: number;
}

/** Who speaks when, without transcription (POST /diarize). */
export interface SpeakerTurns {
  durationSeconds: number;
  /** One speaker at a time, the form POST /diarize delivers. */
  exclusiveTurns: SpeakerTurn[];
  /** Overlaps included. */
  turns: SpeakerTurn[];
  /** As Transcript's: set when speaker n is audio channel n. */
  channels?: number;
  /** As Transcript's: a decode that stopped short of the file's declared length. */
  warnings: string[];
}
