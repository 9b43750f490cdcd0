import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readWavFile } from '../../libs/audio';
import { Diarizer, DiarizerClosedError, InferenceError, ModelLoadError } from '../../libs/diarization';
import { InferencePool } from '../../libs/diarization/inference/inference-pool';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { buildStandInEmbeddingModel } from './stand-in-embedding';

const MEL = 8;
const DIM = 4;

/** What the stand-in graph computes: mean over frames of features squared, times W. */
function expectedEmbedding(features: Float32Array, frames: number, weights: Float32Array): number[] {
  const pooled = Array.from({ length: MEL }, (_, b) => {
    let sum = 0;
    for (let t = 0; t < frames; t++) sum += features[t * MEL + b] ** 2;
    return sum / frames;
  });
  return Array.from({ length: DIM }, (_, d) =>
    pooled.reduce((acc, p, b) => acc + p * weights[b * DIM + d], 0),
  );
}

function features(seed: number, frames: number): Float32Array {
  return Float32Array.from({ length: frames * MEL }, (_, i) => Math.sin(seed * 7.3 + i * 0.37));
}

describe('InferencePool: ONNX Runtime sessions on worker threads', () => {
  const { bytes, weights } = buildStandInEmbeddingModel(MEL, DIM);

  test('concurrent runs on two threads each get their own result', async () => {
    const pool = await InferencePool.open(bytes, {}, 2, 'stand-in');
    try {
      assert.equal(pool.size, 2);
      assert.deepEqual(
        pool.inputs.map((input) => input.name),
        ['feats'],
      );
      assert.deepEqual(pool.outputs[0].shape, ['N', DIM]);
      const inputs = Array.from({ length: 24 }, (_, i) => ({
        data: features(i, 5 + (i % 7)),
        frames: 5 + (i % 7),
      }));
      const outputs = await Promise.all(
        inputs.map(({ data, frames }) =>
          pool.run({ feats: { type: 'float32', data: data.slice(), dims: [1, frames, MEL] } }),
        ),
      );
      outputs.forEach((output, i) => {
        assert.deepEqual(output.embs.dims, [1, DIM]);
        const expected = expectedEmbedding(inputs[i].data, inputs[i].frames, weights);
        output.embs.data.forEach((value, d) => assert.ok(Math.abs(value - expected[d]) < 1e-4, `run ${i}`));
      });
    } finally {
      await pool.close();
    }
  });

  test('a run ONNX Runtime refuses is an InferenceError naming the model; the pool keeps working', async () => {
    const pool = await InferencePool.open(bytes, {}, 1, 'stand-in model (test)');
    try {
      await assert.rejects(
        pool.run({ feats: { type: 'float32', data: new Float32Array(6), dims: [1, 2, 3] } }),
        (error: Error) =>
          error instanceof InferenceError && /stand-in model \(test\): inference failed/.test(error.message),
      );
      const data = features(1, 3);
      const output = await pool.run({ feats: { type: 'float32', data: data.slice(), dims: [1, 3, MEL] } });
      assert.equal(output.embs.data.length, DIM);
    } finally {
      await pool.close();
    }
  });

  test('a file that is not an ONNX model is a ModelLoadError', async () => {
    await assert.rejects(
      InferencePool.open(new TextEncoder().encode('not a model'), {}, 2, 'garbage'),
      (error: Error) =>
        error instanceof ModelLoadError && /garbage: ONNX Runtime cannot open it/.test(error.message),
    );
  });

  test('closing the pool fails the runs still queued instead of leaving them pending', async () => {
    const pool = await InferencePool.open(bytes, {}, 1, 'stand-in');
    const runs = Array.from({ length: 8 }, (_, i) =>
      pool.run({ feats: { type: 'float32', data: features(i, 4000), dims: [1, 4000, MEL] } }),
    );
    const settled = Promise.allSettled(runs);
    await pool.close();
    const results = await settled;
    const failed = results.filter((result) => result.status === 'rejected');
    assert.ok(failed.length > 0, 'some runs were still queued when the pool closed');
    for (const result of failed)
      assert.ok((result as PromiseRejectedResult).reason instanceof InferenceError);
  });
});

describe('Diarizer inference threads', { skip: skipUnlessPresent(models.segmentation) }, () => {
  test('one or two threads give the same speakers and turns (each window runs on its own)', async () => {
    const { samples } = readWavFile(fixtures.audio('conv-en-3spk-overlap.wav'));
    const results = [];
    for (const threads of [1, 2]) {
      const diarizer = await Diarizer.create({ segmentationModelPath: models.segmentation, threads });
      try {
        results.push(await diarizer.diarize(samples));
      } finally {
        await diarizer.close();
      }
    }
    assert.ok(results[0].turns.length > 0);
    assert.deepEqual(results[1], results[0]);
  });

  test('close() during a run rejects it with DiarizerClosedError rather than leaving it pending', async () => {
    const { samples } = readWavFile(fixtures.real('ami-dev00.wav'));
    const diarizer = await Diarizer.create({ segmentationModelPath: models.segmentation, threads: 1 });
    let closing: Promise<void> | null = null;
    const run = diarizer.diarize(samples, {
      onProgress: (percent) => {
        if (percent > 0) closing ??= diarizer.close();
      },
    });
    await assert.rejects(run, DiarizerClosedError);
    await closing;
  });
});
