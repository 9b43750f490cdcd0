import { loadBinding } from './binding';
import { ModelLoadError } from './errors';
import { requireModelFile } from './files';
import { abortErrorFor, awaitNativeJob } from './native-job';
import { checkSamples, prepareVad } from './options';
import { ProgressForwarder } from './progress';
import type { SpeechRegion, VadOptions } from './types';
import { speechRegions, type SampleRange, type VadParameters } from './vad-regions';

// Silero's graph is tiny: more threads only add synchronisation (measured 3-8x slower with 2).
const VAD_THREADS = 1;

const roundMs = (seconds: number): number => Math.round(seconds * 1000) / 1000;

export function toSeconds(range: SampleRange, sampleRate = 16000): SpeechRegion {
  return { start: roundMs(range.start / sampleRate), end: roundMs(range.end / sampleRate) };
}

/** Speech regions of `samples` in samples; shared by detectSpeech and WhisperModel.transcribe. */
export async function findSpeech(
  samples: Float32Array,
  vad: VadParameters & { modelPath: string },
  signal: AbortSignal | undefined,
  onProgress: (percent: number) => void,
  track: (nativeWork: Promise<unknown>) => void = () => undefined,
): Promise<SampleRange[]> {
  await requireModelFile(vad.modelPath, 'VAD model');
  const binding = loadBinding();
  try {
    const detected = await awaitNativeJob(
      binding.detectSpeech(vad.modelPath, samples, { threads: VAD_THREADS }, onProgress),
      signal,
      track,
    );
    return speechRegions(detected.probabilities, detected.windowSamples, samples.length, vad);
  } catch (error) {
    // A file whisper.cpp cannot read as a VAD model is a model problem, not a transcription one.
    if (error instanceof Error && /could not load the VAD model/.test(error.message)) {
      throw new ModelLoadError(error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * Where there is speech in 16 kHz mono `samples`, by whisper.cpp's Silero VAD, in seconds.
 * Useful on its own (e.g. to skip silent files); WhisperModel.transcribe runs it when given `vad`.
 */
export async function detectSpeech(
  samples: Float32Array,
  vad: VadOptions,
  options: { signal?: AbortSignal; onProgress?: (percent: number) => void } = {},
): Promise<SpeechRegion[]> {
  const audio = checkSamples(samples);
  const prepared = prepareVad(vad);
  if (!prepared) throw new ModelLoadError('detectSpeech needs vad.modelPath');
  if (options.signal?.aborted) throw abortErrorFor(options.signal);
  const progress = new ProgressForwarder(options.onProgress);
  try {
    const regions = await findSpeech(audio, prepared, options.signal, (p) => progress.report(p));
    progress.finish();
    return regions.map((region) => toSeconds(region));
  } finally {
    progress.stop();
  }
}
