import type { SessionConfig } from './onnx-session';

/** A tensor as it crosses between threads: plain data, no ONNX Runtime object. */
export interface TensorData {
  type: 'float32';
  data: Float32Array;
  dims: number[];
}

/** An index tensor fed to a model (outputs are always float32). */
export interface IndexTensorData {
  type: 'int64';
  data: BigInt64Array;
  dims: number[];
}

export type NamedTensors = Record<string, TensorData>;

export type NamedFeeds = Record<string, TensorData | IndexTensorData>;

/** The shape ONNX Runtime reports for an input or output; null where it is not a tensor. */
export interface ValueInfo {
  name: string;
  shape: (number | string)[] | null;
}

/** What each inference thread is started with (Piscina's workerData). */
export interface InferenceWorkerData {
  model: Uint8Array;
  config: SessionConfig;
}

export type InferenceTask = { kind: 'describe' } | { kind: 'run'; feeds: NamedFeeds };

export interface ModelDescription {
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}
