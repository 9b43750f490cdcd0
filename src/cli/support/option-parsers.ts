import { InvalidArgumentError } from 'commander';

/** commander argument parser: a whole number of at least 1 (threads, speaker counts). */
export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return parsed;
}

/** commander argument parser: a number from 0 to 1 (temperature, thresholds). */
export function unitNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new InvalidArgumentError('expected a number from 0 to 1');
  }
  return parsed;
}
