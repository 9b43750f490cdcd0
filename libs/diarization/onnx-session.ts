import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { ModelLoadError } from './errors';
import { readOnnxMetadata } from './onnx-metadata';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface SessionConfig {
  executionProvider?: ExecutionProvider;
  /** ONNX Runtime intra-op threads; ONNX Runtime's own default (one per physical core) when absent. */
  threads?: number;
}

export interface LoadedModel {
  session: ort.InferenceSession;
  metadata: Map<string, string>;
}

/** Reads an ONNX file once, takes its metadata from the bytes and opens an inference session on them. */
export async function loadOnnxModel(
  modelPath: string,
  config: SessionConfig,
  modelName: string,
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
  const session = await createSession(bytes, config, `${modelName} (${modelPath})`);
  return { session, metadata };
}

export async function createSession(
  bytes: Uint8Array,
  config: SessionConfig,
  label: string,
): Promise<ort.InferenceSession> {
  const provider = config.executionProvider ?? 'cpu';
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: provider === 'cuda' ? [{ name: 'cuda', deviceId: 0 }, 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    // Spinning idle threads only pays on otherwise idle cores; a worker shares them with whisper.cpp.
    extra: { session: { 'intra_op.allow_spinning': '0' } },
  };
  if (config.threads !== undefined) options.intraOpNumThreads = config.threads;
  try {
    return await ort.InferenceSession.create(bytes, options);
  } catch (error) {
    const hint =
      provider === 'cuda'
        ? ' (the CUDA execution provider needs onnxruntime-node installed with --onnxruntime-node-install=cuda12 and the CUDA 12 runtime)'
        : '';
    throw new ModelLoadError(`${label}: ONNX Runtime cannot open it: ${errorMessage(error)}${hint}`, {
      cause: error,
    });
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
