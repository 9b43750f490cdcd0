export type { InferencePool } from './inference-pool';
export type { NamedFeeds, ValueInfo } from './inference-protocol';
export { metadataInteger } from './onnx-metadata';
export { loadOnnxModel } from './onnx-session';
export type { ExecutionProvider, SessionConfig } from './onnx-session';
