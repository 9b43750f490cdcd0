import type { PipelineStage } from './stages';

/** One of the two stages, given the signal that stops it and a stage-labelled progress callback. */
type StageRun<T> = (
  signal: AbortSignal,
  onProgress: (stage: PipelineStage, percent: number) => void,
) => Promise<T>;

interface SideBySideHooks {
  signal?: AbortSignal;
  onProgress?: (stage: PipelineStage, percentOfStage: number) => void;
}

/**
 * Transcription and diarization at once, their progress reported as if one followed the other:
 * `transcribing` (Whisper's percent) while Whisper runs, then `diarizing` (from where diarization
 * has got to) while only diarization is left. The first failure aborts the other stage, and both
 * are awaited before it is rethrown, so that no native work runs on once this settles.
 */
export async function sideBySide<T, D>(
  transcribe: StageRun<T>,
  diarize: StageRun<D>,
  hooks: SideBySideHooks,
): Promise<{ transcription: T; diarization: D }> {
  const stop = new AbortController();
  const signal = hooks.signal ? AbortSignal.any([hooks.signal, stop.signal]) : stop.signal;
  const report = hooks.onProgress ?? (() => undefined);
  let whisperRunning = true;
  let diarizedPercent = 0;
  let failure: { error: unknown } | null = null;
  const failFast = (error: unknown): never => {
    failure ??= { error };
    stop.abort(error);
    throw error;
  };

  const transcribing = transcribe(signal, (stage, percent) => {
    if (whisperRunning) report(stage, percent);
  })
    .catch(failFast)
    .then((transcription) => {
      whisperRunning = false;
      report('diarizing', diarizedPercent);
      return transcription;
    });
  const diarizing = diarize(signal, (stage, percent) => {
    diarizedPercent = percent;
    if (!whisperRunning) report(stage, percent);
  }).catch(failFast);

  const [transcription, diarization] = await Promise.allSettled([transcribing, diarizing]);
  if (failure) throw (failure as { error: unknown }).error;
  hooks.signal?.throwIfAborted();
  return {
    transcription: (transcription as PromiseFulfilledResult<T>).value,
    diarization: (diarization as PromiseFulfilledResult<D>).value,
  };
}
