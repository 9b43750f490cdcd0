import type { SpeechDetector, SpeechEngine as SpeechEnginePort, SpeechRequest } from '../../libs/pipeline';
import type { SpeechRegion, Transcription } from '../../libs/speech';

/**
 * The pipeline's SpeechEngine port as a Nest token. The Whisper implementation loads its model once
 * per process; tests may provide another implementation (e.g. one that returns known words).
 */
export abstract class SpeechEngine implements SpeechEnginePort {
  abstract transcribe(samples: Float32Array, request: SpeechRequest): Promise<Transcription>;
  /** The VAD alone (per-channel speaker turns); absent where the engine has none. */
  detectSpeech?(
    samples: Float32Array,
    request: Parameters<SpeechDetector['detectSpeech']>[1],
  ): Promise<SpeechRegion[]>;
}
