import { groupUtterances, type SpeakerTurn, type SpeakerWord } from '../diarization';
import type { Segment, SpeechRegion, Transcription } from '../speech';
import { ChannelLayoutError, EmptyAudioError, SpeechDetectionUnavailableError } from './errors';
import type { AudioDecoder, SpeechDetector } from './ports';
import type { SpeakerTurns, Transcript } from './transcript';
import type { AudioInput, PipelineEngines, PipelineHooks, WhoSaidWhatOptions } from './who-said-what';
import { whisperRequest } from './whisper-request';

/** Per-channel speakers take 2 to this many channels (a 7.1 recording at most). */
export const MAX_SPEAKER_CHANNELS = 8;

const SAMPLE_RATE = 16000;

/** A file to decode channel by channel, or its channels already decoded at 16 kHz. */
export type ChannelAudioInput = AudioInput | { channels: readonly Float32Array[] };

/** Why a channel count cannot give per-channel speakers, or null when it can. */
export function channelCountProblem(channels: number): string | null {
  if (channels < 2) {
    return `per-channel speakers need a recording with 2 to ${MAX_SPEAKER_CHANNELS} channels; this one is mono`;
  }
  if (channels > MAX_SPEAKER_CHANNELS) {
    return `per-channel speakers take at most ${MAX_SPEAKER_CHANNELS} channels; this recording has ${channels}`;
  }
  return null;
}

/**
 * Who said what when each party is on its own channel (call recordings): every channel transcribed on
 * its own (with VAD, Whisper hears only its speech), its words given the channel as speaker
 * (0 = left, 1 = right, ...), all words merged in time order and grouped into entries. The turns are
 * each channel's speech regions, overlaps kept: two parties may talk at once.
 */
export async function transcribeEachChannel(
  input: ChannelAudioInput,
  engines: Pick<PipelineEngines, 'decoder' | 'speech'>,
  options: WhoSaidWhatOptions,
  hooks: PipelineHooks = {},
): Promise<Transcript> {
  const { signal } = hooks;
  const report = hooks.onProgress ?? (() => undefined);
  const channels = await decodeChannels(input, engines.decoder, hooks);
  report('transcribing', 0);
  const transcriptions: Transcription[] = [];
  for (const [channel, samples] of channels.entries()) {
    signal?.throwIfAborted();
    transcriptions.push(
      await engines.speech.transcribe(samples, {
        ...whisperRequest(options),
        signal,
        onProgress: (percent) => report('transcribing', (channel * 100 + percent) / channels.length),
      }),
    );
  }
  signal?.throwIfAborted();
  report('combining', 0);
  const words = transcriptions
    .flatMap((transcription, channel) =>
      transcription.segments
        .flatMap(segmentWords)
        .map((word): SpeakerWord => ({ ...word, speaker: channel })),
    )
    .sort((a, b) => a.start - b.start || a.speaker - b.speaker);
  const regions = transcriptions.flatMap((transcription) => transcription.speechRegions);
  return {
    // The first channel that had speech to detect a language from.
    language: transcriptions.find((transcription) => transcription.language !== '')?.language ?? '',
    durationSeconds: channels[0].length / SAMPLE_RATE,
    segments: transcriptions
      .flatMap((transcription) => transcription.segments)
      .sort((a, b) => a.start - b.start),
    utterances: groupUtterances(words),
    turns: sortTurns(
      transcriptions.flatMap((transcription, channel) =>
        channelRegions(transcription).map((region) => ({ speaker: channel, ...region })),
      ),
    ),
    speechRegions: mergeRegions(regions),
    warnings: [],
    channels: channels.length,
  };
}

/** Who speaks when, one speaker per channel: each channel's speech regions by VAD, overlaps kept. */
export async function diarizeEachChannel(
  input: ChannelAudioInput,
  engines: { decoder: AudioDecoder; speechDetector?: SpeechDetector | null },
  hooks: PipelineHooks = {},
): Promise<SpeakerTurns> {
  const detector = engines.speechDetector;
  if (!detector) throw new SpeechDetectionUnavailableError();
  const channels = await decodeChannels(input, engines.decoder, hooks);
  hooks.onProgress?.('diarizing', 0);
  const turns: SpeakerTurn[] = [];
  for (const [channel, samples] of channels.entries()) {
    hooks.signal?.throwIfAborted();
    const regions = await detector.detectSpeech(samples, {
      signal: hooks.signal,
      onProgress: (percent) => hooks.onProgress?.('diarizing', (channel * 100 + percent) / channels.length),
    });
    turns.push(...regions.map((region) => ({ speaker: channel, start: region.start, end: region.end })));
  }
  hooks.signal?.throwIfAborted();
  const sorted = sortTurns(turns);
  // Overlapping channels are two parties talking at once: both kept, exclusive or not.
  return {
    durationSeconds: channels[0].length / SAMPLE_RATE,
    exclusiveTurns: sorted,
    turns: sorted,
    // The per-channel decode has no shortfall check yet (decodeChannelsToPcm returns samples only).
    warnings: [],
    channels: channels.length,
  };
}

async function decodeChannels(
  input: ChannelAudioInput,
  decoder: AudioDecoder,
  hooks: PipelineHooks,
): Promise<readonly Float32Array[]> {
  hooks.onProgress?.('decoding', 0);
  let channels: readonly Float32Array[];
  if ('channels' in input) channels = input.channels;
  else if ('samples' in input) channels = [input.samples];
  else {
    // A server set up without it: a fault of the server, not of the input.
    if (!decoder.decodeChannels) throw new Error('this audio decoder cannot keep channels apart');
    channels = await decoder.decodeChannels(input.filePath, {
      sampleRate: SAMPLE_RATE,
      signal: hooks.signal,
      // One more than allowed is enough to refuse the file with its own count.
      maxChannels: MAX_SPEAKER_CHANNELS + 1,
    });
  }
  const problem = channelCountProblem(channels.length);
  if (problem) throw new ChannelLayoutError(problem);
  if (channels[0].length === 0) throw new EmptyAudioError();
  hooks.onProgress?.('decoding', 100);
  return channels;
}

/** A segment's words; a segment without word times stands as one word. */
function segmentWords(segment: Segment): Omit<SpeakerWord, 'speaker'>[] {
  if (segment.words.length > 0) return segment.words;
  return segment.text.trim() === ''
    ? []
    : [{ word: ` ${segment.text.trim()}`, start: segment.start, end: segment.end, probability: 0 }];
}

/** Where the channel has speech: VAD's regions, or Whisper's segments where no VAD ran. */
function channelRegions(transcription: Transcription): SpeechRegion[] {
  if (transcription.speechRegions.length > 0) return transcription.speechRegions;
  return mergeRegions(transcription.segments.map(({ start, end }) => ({ start, end })));
}

function mergeRegions(regions: readonly SpeechRegion[]): SpeechRegion[] {
  const merged: SpeechRegion[] = [];
  for (const region of [...regions].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && region.start <= last.end) last.end = Math.max(last.end, region.end);
    else if (region.end > region.start) merged.push({ ...region });
  }
  return merged;
}

function sortTurns(turns: SpeakerTurn[]): SpeakerTurn[] {
  return turns
    .filter((turn) => turn.end > turn.start)
    .sort((a, b) => a.start - b.start || a.speaker - b.speaker);
}
