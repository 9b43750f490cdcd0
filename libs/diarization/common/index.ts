export { agglomerate, agglomerateSync } from './agglomerative';
export { forEachConcurrently } from './concurrency';
export { RealPowerSpectrum } from './fft';
export { maxWeightAssignment } from './hungarian';
export { DEFAULT_SLICE_MS, createYielder } from './time-slice';
export type { Yielder } from './time-slice';
export { seededRandom } from './seeded-random';
