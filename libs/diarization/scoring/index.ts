export { aggregateDer, computeDer } from './der';
export type { DerResult, ScoredTurn } from './der';
export { pairRecordings } from './recordings';
export type { Recording, RecordingPair } from './recordings';
export { parseRttm } from './rttm';
export type { ParsedRttmTurn } from './rttm';
export { clipTurns, parseUem } from './uem';
