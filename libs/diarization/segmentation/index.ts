export { SegmentationModel, frameMiddle } from './segmentation';
export type { FrameGrid, LocalSegmentation } from './segmentation';
