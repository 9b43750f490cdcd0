/**
 * Whether diarization runs alongside transcription, and how many CPU threads each gets. `auto`
 * overlaps them where either runs on a GPU, `on` always, `off` never.
 */
export const DIARIZE_ALONGSIDE_MODES = ['auto', 'on', 'off'] as const;
export type DiarizeAlongsideMode = (typeof DIARIZE_ALONGSIDE_MODES)[number];

/** More segmentation threads than this gain little: the clustering after them runs on one thread. */
const MAX_DIARIZATION_THREADS = 4;

export interface CoreBudget {
  /** CPU cores the process may use. */
  cores: number;
  /** Jobs run at once, each with its own Whisper threads; the diarization threads are shared. */
  jobs: number;
  whisperOnGpu: boolean;
  diarizationOnGpu: boolean;
  /** Set by the user (0 or absent: planned): always kept as given. */
  whisperThreads?: number;
  diarizationThreads?: number;
}

export interface StageSchedule {
  /** Diarization runs while Whisper transcribes, both reading the same decoded samples. */
  diarizeAlongside: boolean;
  /** Whisper's threads per job. */
  whisperThreads: number;
  /** The diarization inference threads of the process. */
  diarizationThreads: number;
}

/**
 * The policy (README, "Transcription and diarization side by side"):
 * - `auto` overlaps the two where either runs on a GPU (the CPU then has room for the other); `on`
 *   and `off` force it. Not on CPU-only machines, however many cores: split, each stage runs on
 *   fewer threads, and diarization on a quarter of the cores outlasts Whisper. Measured on 4 cores
 *   of an H200 host (taskset, 15 min, base-sized Whisper): one after the other 32.3 s, side by side
 *   (3 + 1 threads) 57.0 s; with Whisper on the GPU, 22.5 s against 19.4 s side by side.
 * - One after the other, each takes the whole budget: Whisper the cores divided among the jobs,
 *   diarization the cores up to 4 (1 on a GPU), as before this policy existed.
 * - Side by side on the CPU, the cores are split so that together they do not exceed them:
 *   diarization a quarter (at least 1, at most 4), Whisper the rest divided among the jobs. With
 *   Whisper on a GPU, diarization takes the cores but one (up to 4); with diarization on a GPU, 1.
 * Threads given explicitly are kept; the others are planned around them.
 */
export function planStageSchedule(mode: DiarizeAlongsideMode, budget: CoreBudget): StageSchedule {
  const cores = Math.max(1, Math.floor(budget.cores));
  const jobs = Math.max(1, Math.floor(budget.jobs));
  const onGpu = budget.whisperOnGpu || budget.diarizationOnGpu;
  const diarizeAlongside = mode === 'on' || (mode === 'auto' && onGpu);
  const given = (threads: number | undefined): number | null =>
    threads !== undefined && threads > 0 ? Math.floor(threads) : null;

  let diarizationThreads = given(budget.diarizationThreads);
  diarizationThreads ??= budget.diarizationOnGpu
    ? 1
    : !diarizeAlongside
      ? Math.min(MAX_DIARIZATION_THREADS, cores)
      : budget.whisperOnGpu
        ? clamp(cores - 1, 1, MAX_DIARIZATION_THREADS)
        : clamp(Math.floor(cores / 4), 1, MAX_DIARIZATION_THREADS);
  const whisperCores = diarizeAlongside ? cores - diarizationThreads : cores;
  const whisperThreads = given(budget.whisperThreads) ?? Math.max(1, Math.floor(whisperCores / jobs));
  return { diarizeAlongside, whisperThreads, diarizationThreads };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
