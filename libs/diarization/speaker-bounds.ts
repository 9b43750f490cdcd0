import { InvalidArgumentError } from './errors';

/** The resolved speaker count: bounds for the automatic count, or an exact count. */
export interface SpeakerBounds {
  min: number;
  max: number;
  /** Exact count when known. */
  exact?: number;
}

/** Upper bound of the automatic count when the caller gives none. */
export const DEFAULT_MAX_SPEAKERS = 20;

export interface SpeakerCountOptions {
  numSpeakers?: number | null;
  minSpeakers?: number | null;
  maxSpeakers?: number | null;
}

/**
 * Precedence: an exact `numSpeakers` wins; otherwise `minSpeakers`/`maxSpeakers` bound the automatic
 * count (defaults 1 and DEFAULT_MAX_SPEAKERS). Contradictions are errors, never silently resolved:
 * min > max, or an exact count outside given bounds.
 */
export function resolveSpeakerBounds(options: SpeakerCountOptions = {}): SpeakerBounds {
  const exact = checkCount('numSpeakers', options.numSpeakers);
  const min = checkCount('minSpeakers', options.minSpeakers);
  const max = checkCount('maxSpeakers', options.maxSpeakers);
  if (min !== undefined && max !== undefined && min > max) {
    throw new InvalidArgumentError(`minSpeakers (${min}) is greater than maxSpeakers (${max})`);
  }
  if (exact !== undefined) {
    if ((min !== undefined && exact < min) || (max !== undefined && exact > max)) {
      throw new InvalidArgumentError(
        `numSpeakers (${exact}) is outside minSpeakers..maxSpeakers (${min ?? 1}..${max ?? 'any'})`,
      );
    }
    return { min: exact, max: exact, exact };
  }
  const lower = min ?? 1;
  return { min: lower, max: max ?? Math.max(lower, DEFAULT_MAX_SPEAKERS) };
}

function checkCount(name: string, value: number | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 1000) {
    throw new InvalidArgumentError(`${name} must be a whole number from 1 to 1000, got ${String(value)}`);
  }
  return value;
}
