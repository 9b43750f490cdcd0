import { loadBinding } from './binding';
import { DisposedError, ModelLoadError } from './errors';
import { requireModelFile } from './files';
import { abortErrorFor, awaitNativeJob } from './native-job';
import type { NativeBinding, NativeModel, NativeTranscription } from './native-types';
import { checkSamples, prepareLoad, prepareTranscribe, type PreparedTranscribe } from './options';
import { SegmentForwarder } from './new-segments';
import { ProgressForwarder } from './progress';
import type {
  LoadModelOptions,
  ModelInfo,
  Segment,
  SpeechRegion,
  TranscribeOptions,
  Transcription,
} from './types';
import { findSpeech, toSeconds } from './speech-detection';
import { releaseSamples } from '../audio';
import { compactSpeech, SAMPLE_RATE, toOriginalSeconds } from './vad-regions';
import { averageLogProbability, groupWords, toWord } from './words';

// Share of the progress bar given to the VAD pass, which is fast next to transcription.
const VAD_PROGRESS_SHARE = 5;

const roundMs = (seconds: number): number => Math.round(seconds * 1000) / 1000;

/**
 * A Whisper model loaded once (one whisper_context) and shared by any number of concurrent
 * transcriptions, each with its own whisper_state. All work runs off the JS thread.
 */
export class WhisperModel {
  readonly info: ModelInfo;
  private handle: NativeModel | null;
  private readonly tokenEot: number;
  // Transcribe calls and native jobs not yet finished: close() waits for all of them.
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly binding: NativeBinding,
    handle: NativeModel,
    readonly modelPath: string,
  ) {
    this.handle = handle;
    const { tokenEot, ...info } = binding.modelInfo(handle);
    this.tokenEot = tokenEot;
    this.info = Object.freeze(info);
  }

  /** Loads a ggml model off the JS thread. Throws ModelLoadError for a missing or invalid file. */
  static async load(options: LoadModelOptions): Promise<WhisperModel> {
    const prepared = prepareLoad(options);
    const binding = loadBinding();
    await requireModelFile(prepared.modelPath, 'whisper model');
    let handle: NativeModel;
    try {
      handle = await binding.loadModel(prepared.modelPath, {
        useGpu: prepared.useGpu,
        gpuDevice: prepared.gpuDevice,
        flashAttention: prepared.flashAttention,
      });
    } catch (error) {
      throw new ModelLoadError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    return new WhisperModel(binding, handle, prepared.modelPath);
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  /** 16 kHz mono PCM to text with segment and word times in seconds of `samples`. */
  async transcribe(samples: Float32Array, options?: TranscribeOptions): Promise<Transcription> {
    if (this.closing) throw new DisposedError('the model has been closed');
    const audio = checkSamples(samples);
    const prepared = prepareTranscribe(options);
    // English-only (.en) models know no other language and cannot detect one.
    if (!this.info.multilingual) prepared.native.language = 'en';
    if (prepared.signal?.aborted) throw abortErrorFor(prepared.signal);

    const progress = new ProgressForwarder(prepared.onProgress);
    const call = this.run(audio, prepared, progress);
    this.track(call.catch(() => undefined));
    try {
      const result = await call;
      progress.finish();
      return result;
    } finally {
      progress.stop();
    }
  }

  /** Waits for the calls in flight, then frees the model. Idempotent; later calls throw DisposedError. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      const handle = this.handle;
      this.handle = null;
      if (handle) await this.binding.freeModel(handle);
    })();
    return this.closing;
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async run(
    audio: Float32Array,
    prepared: PreparedTranscribe,
    progress: ProgressForwarder,
  ): Promise<Transcription> {
    const handle = this.handle;
    if (!handle) throw new DisposedError('the model has been closed');
    const track = (work: Promise<unknown>): void => this.track(work);
    const { vad, signal } = prepared;

    if (!vad) {
      const atSeconds = (cs: number): number => roundMs(cs / 100);
      const segments = new SegmentForwarder(prepared.onSegment, atSeconds);
      const job = this.binding.transcribe(
        handle,
        audio,
        prepared.native,
        (p) => progress.report(p),
        segments.native,
      );
      const result = awaitNativeJob(job, signal, track).then(segments.finish, segments.fail);
      result.catch(() => undefined); // awaited below, once the caller has been told
      try {
        await prepared.onSamplesConsumed?.();
      } catch (error) {
        job.abort();
        throw error;
      }
      const raw = await result;
      return this.toTranscription(raw, prepared, atSeconds, []);
    }

    const regions = await findSpeech(audio, vad, signal, progress.scaled(0, VAD_PROGRESS_SHARE), track);
    const speech = regions.map((region) => toSeconds(region, SAMPLE_RATE));
    if (regions.length === 0)
      return { language: prepared.requestedLanguage ?? '', segments: [], speechRegions: [] };

    const compacted = compactSpeech(audio, regions);
    await prepared.onSamplesConsumed?.();
    if (signal?.aborted) throw abortErrorFor(signal);
    const atSeconds = (cs: number): number => roundMs(toOriginalSeconds(compacted, cs / 100));
    const segments = new SegmentForwarder(prepared.onSegment, atSeconds);
    const job = this.binding.transcribe(
      handle,
      compacted.samples,
      prepared.native,
      progress.scaled(VAD_PROGRESS_SHARE, 100),
      segments.native,
    );
    // The addon has copied the speech: this copy would otherwise live as long as Whisper runs,
    // through its peak (its own copy, a padded one and the spectrogram), waiting for the collector.
    releaseSamples(compacted.samples);
    const raw = await awaitNativeJob(job, signal, track).then(segments.finish, segments.fail);
    return this.toTranscription(raw, prepared, atSeconds, speech);
  }

  private toTranscription(
    raw: NativeTranscription,
    prepared: PreparedTranscribe,
    toSeconds: (centiseconds: number) => number,
    speech: SpeechRegion[],
  ): Transcription {
    const segments = raw.segments.map((segment): Segment => {
      const start = toSeconds(segment.t0);
      return {
        start,
        end: Math.max(start, toSeconds(segment.t1)),
        text: segment.text.trim(),
        noSpeechProb: segment.noSpeechProb,
        avgLogprob: averageLogProbability(segment.tokens),
        words: prepared.wordTimestamps
          ? groupWords(segment.tokens, this.tokenEot).map((word) => toWord(word, toSeconds))
          : [],
      };
    });
    return { language: raw.language, segments, speechRegions: speech };
  }
}
