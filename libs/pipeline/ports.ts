import type { DecodedAudio } from '../audio';
import type { Diarization, DiarizeOptions } from '../diarization';
import type { SpeechRegion, TranscribeOptions, Transcription } from '../speech';

/** What the pipeline asks of speech recognition; the rest (threads, VAD, GPU) is the engine's own setup. */
export type SpeechRequest = Pick<
  TranscribeOptions,
  | 'language'
  | 'temperature'
  | 'noSpeechThreshold'
  | 'initialPrompt'
  | 'hotwords'
  | 'onProgress'
  | 'onSegment'
  | 'signal'
  | 'onSamplesConsumed'
>;

/** Speech recognition: whisper.cpp (libs/speech) in production, a scripted stand-in in tests. */
export interface SpeechEngine {
  transcribe(samples: Float32Array, request: SpeechRequest): Promise<Transcription>;
}

/** Who speaks when: libs/diarization's Diarizer fits as it is. */
export interface DiarizationEngine {
  diarize(
    samples: Float32Array,
    request: DiarizeOptions,
  ): Promise<Pick<Diarization, 'turns' | 'exclusiveTurns'>>;
}

export interface DecodeRequest {
  sampleRate: number;
  /** Aborting stops the decoder and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Samples whose memory can be freed at once (libs/audio releasableSamples), to be parked on disk. */
  releasable?: boolean;
}

/** Any container to mono float32 PCM: ffmpeg (libs/audio's ffmpegAudioDecoder) in production. */
export interface AudioDecoder {
  /** The samples, and warnings for the transcript (a decode that stopped short of the file's length). */
  decode(filePath: string, request: DecodeRequest): Promise<DecodedAudio>;
  /**
   * One array per channel of the first audio stream (0 = left, 1 = right, ...), for per-channel
   * speakers; a decoder without it cannot serve them. More than `maxChannels` is refused undecoded.
   */
  decodeChannels?(
    filePath: string,
    request: DecodeRequest & { maxChannels?: number },
  ): Promise<Float32Array[]>;
}

/** Where there is speech, in seconds (Silero VAD through libs/speech in production). */
export interface SpeechDetector {
  detectSpeech(
    samples: Float32Array,
    request: { signal?: AbortSignal; onProgress?: (percent: number) => void },
  ): Promise<SpeechRegion[]>;
}
