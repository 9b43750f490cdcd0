import type { SpeechRequest } from '../../libs/pipeline';
import type { Segment, Transcription } from '../../libs/speech';

const WINDOW_SECONDS = 0.2;
const SAMPLE_RATE = 16000;

/** RMS of samples[from, to) in dBFS. */
export function rmsDb(samples: Float32Array, from: number, to: number): number {
  let sum = 0;
  const end = Math.min(samples.length, to);
  for (let i = Math.max(0, from); i < end; i++) sum += samples[i] * samples[i];
  return 10 * Math.log10(sum / Math.max(1, end - from) + 1e-20);
}

/**
 * Stands in for Whisper where no real weights exist (the shared model writes no words): it "hears"
 * the audio it is given, writing one word per 0.2-s window louder than `thresholdDb`, taken in turn
 * from `vocabulary`; consecutive loud windows make one segment. So the words lie exactly where the
 * samples it got are loud, which is what per-channel tests need to tell channels apart.
 */
export class EnergySpeechEngine {
  readonly requests: SpeechRequest[] = [];
  private next = 0;

  constructor(
    private readonly vocabulary: readonly string[] = ['word'],
    private readonly thresholdDb = -40,
  ) {}

  async transcribe(samples: Float32Array, request: SpeechRequest): Promise<Transcription> {
    this.requests.push(request);
    const window = Math.round(WINDOW_SECONDS * SAMPLE_RATE);
    const segments: Segment[] = [];
    let current: Segment | null = null;
    for (let from = 0; from < samples.length; from += window) {
      if (rmsDb(samples, from, from + window) < this.thresholdDb) {
        current = null;
        continue;
      }
      const word = {
        word: ` ${this.vocabulary[this.next++ % this.vocabulary.length]}`,
        start: from / SAMPLE_RATE,
        end: Math.min(samples.length, from + window) / SAMPLE_RATE,
        probability: 0.75,
      };
      if (!current) {
        current = {
          start: word.start,
          end: word.end,
          text: '',
          noSpeechProb: 0.02,
          avgLogprob: -0.25,
          words: [],
        };
        segments.push(current);
      }
      current.words.push(word);
      current.end = word.end;
      current.text += word.word;
    }
    request.onProgress?.(100);
    return { language: 'en', segments, speechRegions: [] };
  }
}
