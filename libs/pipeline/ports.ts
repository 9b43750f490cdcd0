import type { Diarization, DiarizeOptions } from '../diarization';
import type { TranscribeOptions, Transcription } from '../speech';

/** What the pipeline asks of speech recognition; the rest (threads, VAD, GPU) is the engine's own setup. */
export type SpeechRequest = Pick<
  TranscribeOptions,
  | 'language'
  | 'temperature'
  | 'noSpeechThreshold'
  | 'initialPrompt'
  | 'onProgress'
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
  decode(filePath: string, request: DecodeRequest): Promise<Float32Array>;
}
