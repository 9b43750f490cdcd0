export { computeDer } from './der';
export type { DerResult, ScoredTurn } from './der';
