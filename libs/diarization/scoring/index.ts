export { computeDer } from './der';
export type { DerResult, ScoredTurn } from './der';
export { parseRttm } from './rttm';
export type { ParsedRttmTurn } from './rttm';
