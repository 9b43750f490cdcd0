export { isParityFolder, readParityFixture } from './fixture';
export type { ParityFixture } from './fixture';
export { formatParityRun } from './format';
export { runParity } from './harness';
export type { ParityReport, ParityRun } from './harness';
export { segmentAudio } from './segment-audio';
export { compareSegmentations } from './segmentation-agreement';
export type { SegmentationAgreement } from './segmentation-agreement';
