export { reidentifySpeakers } from './reidentify';
export { stitchLocalSpeakers } from './stitching';
export { ModelVerifier } from './model-verifier';
