export type { Cue, CueOptions, TranscriptEntry, TranscriptWord } from './types';
export { TranscriptFormatError } from './errors';
export { buildCues, DEFAULT_CUE_OPTIONS } from './cues';
export { formatCueTimestamp } from './timestamp';
export { formatSrt, srtSpeakerLabel } from './srt';
export { escapeVttText, formatVtt, vttVoiceName } from './vtt';
export { formatText, type TextOptions } from './text';
export { formatRttm, parseRttm, speakerLabel, type ParsedRttmTurn, type RttmTurn } from './rttm';
export {
  isTextFormat,
  renderTranscript,
  TEXT_FORMAT_CONTENT_TYPES,
  TEXT_FORMATS,
  type RenderOptions,
  type TextFormat,
} from './render';
