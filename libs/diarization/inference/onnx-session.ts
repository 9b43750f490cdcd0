import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { ModelLoadError, errorMessage } from '../errors';
import { InferencePool } from './inference-pool';
import { readOnnxMetadata } from './onnx-metadata';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface SessionConfig {
  executionProvider?: ExecutionProvider;
  /** The CUDA device with executionProvider cuda; default 0. */
  gpuDevice?: number;
  /**
   * Inference threads, each running whole batches on its own single-threaded session. Default: the
   * available cores up to 4 on CPU, 1 with CUDA (the GPU does the work).
   */
  threads?: number;
}

export interface LoadedModel {
  pool: InferencePool;
  metadata: Map<string, string>;
}

/**
 * Reads an ONNX file once, takes its metadata from the bytes and opens it on its inference threads;
 * `prepare` may rewrite the graph first (given the bytes and metadata, it returns the bytes to open).
 */
export async function loadOnnxModel(
  modelPath: string,
  config: SessionConfig,
  modelName: string,
  prepare?: (bytes: Uint8Array, metadata: Map<string, string>) => Uint8Array,
): Promise<LoadedModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(modelPath);
  } catch (error) {
    throw new ModelLoadError(`${modelName}: cannot read ${modelPath}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  let metadata: Map<string, string>;
  try {
    metadata = readOnnxMetadata(bytes);
  } catch (error) {
    throw new ModelLoadError(`${modelName}: ${modelPath}: ${errorMessage(error)}`, { cause: error });
  }
  if (prepare) {
    try {
      bytes = prepare(bytes, metadata);
    } catch (error) {
      throw new ModelLoadError(`${modelName}: ${modelPath}: ${errorMessage(error)}`, { cause: error });
    }
  }
  const pool = await InferencePool.open(
    bytes,
    config,
    inferenceThreads(config),
    `${modelName} (${modelPath})`,
  );
  return { pool, metadata };
}

export function inferenceThreads(config: SessionConfig): number {
  if (config.threads !== undefined) return config.threads;
  return config.executionProvider === 'cuda' ? 1 : Math.min(4, os.availableParallelism());
}
