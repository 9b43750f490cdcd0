import path from 'node:path';
import { Piscina } from 'piscina';
import { InferenceError, ModelLoadError, errorMessage } from '../errors';
import type {
  InferenceTask,
  InferenceWorkerData,
  ModelDescription,
  NamedFeeds,
  NamedTensors,
  ValueInfo,
} from './inference-protocol';
import type { SessionConfig } from './onnx-session';

const WORKER_FILE = path.join(__dirname, 'inference-worker.js');

/**
 * One ONNX model served by `size` inference threads, each with its own single-threaded session.
 * onnxruntime-node runs a session synchronously on the calling thread, and this model's intra-op
 * threads barely speed up one run (its LSTMs are sequential): whole runs on separate threads both
 * keep the caller's event loop free and use the cores. Idle threads do not keep the process alive.
 */
export class InferencePool {
  private constructor(
    private readonly pool: Piscina<InferenceTask, ModelDescription | NamedTensors>,
    readonly size: number,
    readonly inputs: ValueInfo[],
    readonly outputs: ValueInfo[],
    private readonly label: string,
  ) {}

  /** Starts the threads and opens the model in each; rejects with a ModelLoadError if it cannot be opened. */
  static async open(
    model: Uint8Array,
    config: SessionConfig,
    size: number,
    label: string,
  ): Promise<InferencePool> {
    const workerData: InferenceWorkerData = { model, config };
    const pool = new Piscina<InferenceTask, ModelDescription | NamedTensors>({
      filename: WORKER_FILE,
      minThreads: size,
      maxThreads: size,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      // ONNX Runtime's run resolves through setImmediate, which a thread blocked in Atomics.wait would not reach.
      atomics: 'disabled',
      workerData,
    });
    // A thread that dies outside a task must not become an unhandled 'error' event; its tasks fail instead.
    pool.on('error', () => {});
    try {
      // One describe task per thread opens every session now rather than on the first audio.
      const descriptions = await Promise.all(
        Array.from({ length: size }, () => pool.run({ kind: 'describe' }) as Promise<ModelDescription>),
      );
      const { inputs, outputs } = descriptions[0];
      return new InferencePool(pool, size, inputs, outputs, label);
    } catch (error) {
      await pool.destroy();
      const hint =
        config.executionProvider === 'cuda'
          ? ' (the CUDA execution provider needs the CUDA 12 and cuDNN 9 runtimes, and onnxruntime-node installed with its CUDA files: see deploy/README.md)'
          : '';
      throw new ModelLoadError(`${label}: ONNX Runtime cannot open it: ${errorMessage(error)}${hint}`, {
        cause: error,
      });
    }
  }

  /** Runs the model on one batch; the feeds' buffers are moved to the inference thread (unusable here after). */
  async run(feeds: NamedFeeds): Promise<NamedTensors> {
    const transferList = Object.values(feeds).map((tensor) => tensor.data.buffer as ArrayBuffer);
    try {
      return (await this.pool.run({ kind: 'run', feeds }, { transferList })) as NamedTensors;
    } catch (error) {
      throw new InferenceError(`${this.label}: inference failed: ${errorMessage(error)}`, { cause: error });
    }
  }

  /**
   * Stops the threads: queued runs reject, running ones finish first (terminating a thread inside
   * session.run aborts the whole process in onnxruntime-node). Safe to call twice.
   */
  async close(): Promise<void> {
    await this.pool.close({ force: true });
  }
}
