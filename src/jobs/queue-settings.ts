import type { AdvancedSettings } from 'bull';
import type { AppConfig } from '../config/app-config';

/**
 * Bull's lock and stalled-job settings for every queue of the app. A worker renews its job's lock
 * every lockDuration / 2 from the event loop; CPU-heavy JS steps of a long file (clustering) must
 * not let it lapse and hand the job to a second worker. A dead worker's job goes to another after
 * about lockDuration + 2 stalled intervals.
 */
export function queueLockSettings(
  config: AppConfig,
): Pick<AdvancedSettings, 'lockDuration' | 'stalledInterval'> {
  return { lockDuration: config.jobs.lockDurationMs, stalledInterval: config.jobs.stalledIntervalMs };
}
