export { reidentifySpeakers } from './reidentify';
export { stitchLocalSpeakers } from './stitching';
