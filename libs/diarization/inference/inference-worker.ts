/**
 * Body of an inference thread (a Piscina worker): one ONNX Runtime session, created on the first task,
 * so that session.run's synchronous work never blocks the calling thread's event loop.
 */
import * as ort from 'onnxruntime-node';
import { workerData } from 'piscina';
import type {
  InferenceTask,
  InferenceWorkerData,
  ModelDescription,
  NamedTensors,
  ValueInfo,
} from './inference-protocol';
import type { SessionConfig } from './onnx-session';

const { model, config } = workerData as InferenceWorkerData;
let session: Promise<ort.InferenceSession> | undefined;

export default async function handle(task: InferenceTask): Promise<ModelDescription | NamedTensors> {
  session ??= ort.InferenceSession.create(model, sessionOptions(config));
  const opened = await session;
  if (task.kind === 'describe') {
    return { inputs: opened.inputMetadata.map(valueInfo), outputs: opened.outputMetadata.map(valueInfo) };
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, tensor] of Object.entries(task.feeds)) {
    feeds[name] =
      tensor.type === 'int64'
        ? new ort.Tensor('int64', tensor.data, tensor.dims)
        : new ort.Tensor('float32', tensor.data, tensor.dims);
  }
  const results = await opened.run(feeds);
  const outputs: NamedTensors = {};
  for (const [name, value] of Object.entries(results)) {
    const tensor = value as ort.Tensor;
    if (tensor.type !== 'float32') {
      throw new Error(`output ${name} is ${tensor.type}, only float32 outputs are supported`);
    }
    outputs[name] = { type: 'float32', data: tensor.data as Float32Array, dims: [...tensor.dims] };
  }
  return outputs;
}

function valueInfo(meta: ort.InferenceSession.ValueMetadata): ValueInfo {
  return { name: meta.name, shape: meta.isTensor ? [...meta.shape] : null };
}

/** Options of the session inside one inference thread. */
function sessionOptions(config: SessionConfig): ort.InferenceSession.SessionOptions {
  const cuda = config.executionProvider === 'cuda';
  return {
    executionProviders: cuda ? [{ name: 'cuda', deviceId: config.gpuDevice ?? 0 }, 'cpu'] : ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    // Parallelism comes from the threads of the pool; one intra-op thread each on CPU.
    intraOpNumThreads: cuda ? undefined : 1,
    interOpNumThreads: 1,
    // Memory-pattern planning pre-allocates per input shape: ~20 MB more per thread for no measurable gain.
    enableMemPattern: false,
    logSeverityLevel: 3,
    extra: { session: { 'intra_op.allow_spinning': '0' } },
  };
}
