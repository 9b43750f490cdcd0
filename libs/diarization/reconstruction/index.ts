export { clearFrames, estimateSpeakerCount, findSilentFrames, reconstructFrames } from './aggregation';
export type { FrameLabels } from './aggregation';
export { framesToTurns, renumberByFirstAppearance } from './turns';
export type { SpeakerTurn } from './turns';
export { capSpeakerCount, reconstructFromClusters } from './clustered-frames';
