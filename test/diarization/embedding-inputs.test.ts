import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { readWavFile } from '../../libs/audio';
import { FbankExtractor, ModelLoadError } from '../../libs/diarization';
import { ChunkFeatures } from '../../libs/diarization/embeddings/chunk-features';
import { EmbeddingModel } from '../../libs/diarization/embeddings/embedding';
import type { LocalSegmentation } from '../../libs/diarization/segmentation/segmentation';
import { fixtures, sharedPath, skipUnlessPresent } from '../support/shared-files';
import { buildStandInEmbeddingModel } from './stand-in-embedding';

const standIn = sharedPath('standins', 'standin-wespeaker-resnet34-lm.onnx');
const audioFile = fixtures.audio('conv-en-2spk.wav');
const FRAMES = 589;
const K = 3;

/** Chunks of 10 s every 1 s over `samples`, with local activity given as [chunk, speaker, first, end) spans. */
function segmentation(samples: Float32Array, spans: [number, number, number, number][]): LocalSegmentation {
  const numChunks = Math.max(1, Math.ceil((samples.length - 160000) / 16000) + 1);
  const activity = new Uint8Array(numChunks * FRAMES * K);
  for (const [c, s, a, b] of spans) for (let f = a; f < b; f++) activity[(c * FRAMES + f) * K + s] = 1;
  return {
    numChunks,
    framesPerChunk: FRAMES,
    numLocalSpeakers: K,
    activity,
    chunkStartFrames: Int32Array.from({ length: numChunks }, (_, c) => Math.round((c * 16000) / 270)),
    numFrames: Math.ceil(samples.length / 270),
    frames: { step: 270 / 16000, duration: 991 / 16000 },
    windowSamples: 160000,
    stepSamples: 16000,
  };
}

/** The chunk's fbank computed on its own (zero-padded past the end), minus its mean: pyannote's input. */
function chunkFbank(samples: Float32Array, c: number, fbank: FbankExtractor): Float32Array {
  const chunk = new Float32Array(160000);
  chunk.set(samples.subarray(c * 16000, Math.min(samples.length, c * 16000 + 160000)));
  const rows = fbank.compute(chunk);
  const frames = fbank.numFrames(160000);
  const mel = fbank.numMelBins;
  for (let b = 0; b < mel; b++) {
    let mean = 0;
    for (let t = 0; t < frames; t++) mean += rows[t * mel + b];
    mean /= frames;
    for (let t = 0; t < frames; t++) rows[t * mel + b] -= mean;
  }
  return rows;
}

describe('fbank shared between overlapping chunks', () => {
  test('a 1 s step reuses frames exactly; any other step computes each chunk; both equal a chunk computed alone', () => {
    const samples = Float32Array.from(
      { length: 13.3 * 16000 },
      (_, i) => Math.sin(i * 0.05) * 0.3 + Math.sin(i * 1.7) * 0.1,
    );
    const fbank = new FbankExtractor({ window: 'hamming', inputScale: 32768 });
    for (const step of [16000, 16080]) {
      const features = new ChunkFeatures(samples, fbank, 160000, step);
      assert.equal(features.shared, step === 16000);
      for (const c of [0, 1, 3, 4]) {
        const direct = new Float32Array(160000);
        direct.set(samples.subarray(c * step, Math.min(samples.length, c * step + 160000)));
        const expected = fbank.compute(direct);
        const mel = 80;
        for (let b = 0; b < mel; b++) {
          let mean = 0;
          for (let t = 0; t < 998; t++) mean += expected[t * mel + b] / 998;
          for (let t = 0; t < 998; t++) expected[t * mel + b] -= mean;
        }
        const actual = features.chunk(c);
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        assert.ok(worst < 1e-4, `step ${step}, chunk ${c}: differs by ${worst}`);
      }
    }
  });
});

describe('both speaker-embedding exports load and give one embedding per active (chunk, speaker)', () => {
  let dir: string;
  let singleInput: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'embedding-inputs-'));
    singleInput = path.join(dir, 'single-input.onnx');
    writeFileSync(singleInput, buildStandInEmbeddingModel(80, 16).bytes);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Chunk 0: speakers 0 and 1 with some overlap; chunk 1: speaker 2 alone; chunk 2: silent; chunk 3
  // (past the end of the audio, zero-padded): speaker 0 with one clean frame (so all its frames are used).
  const spans: [number, number, number, number][] = [
    [0, 0, 0, 300],
    [0, 1, 250, 589],
    [1, 2, 100, 500],
    [3, 0, 400, 420],
    [3, 1, 401, 589],
  ];
  const expectedValid = [1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0];

  test(
    'two-input export (fbank + weights, the WeSpeaker ResNet34-LM stand-in): equal to the original graph run per speaker',
    { skip: skipUnlessPresent(standIn, audioFile) },
    async () => {
      const { samples } = readWavFile(audioFile);
      const audio = samples.subarray(0, 12.5 * 16000);
      const seg = segmentation(audio, spans);
      assert.equal(seg.numChunks, 4);
      const model = await EmbeddingModel.load(standIn, { threads: 2 });
      let result;
      try {
        assert.equal(model.info.inputs, 'masked-pooling');
        assert.equal(model.info.dimension, 256);
        result = await model.embed(audio, seg, { batchSize: 6 });
      } finally {
        await model.release();
      }
      assert.equal(result.dimension, 256);
      assert.deepEqual(Array.from(result.valid), expectedValid);

      // Independently: the unmodified graph, one speaker per run, on each chunk's own fbank, with
      // pyannote's weights (clean frames, or all frames when at most 2 are clean).
      const original = await ort.InferenceSession.create(readFileSync(standIn), { intraOpNumThreads: 1 });
      const fbank = new FbankExtractor({ window: 'hamming', inputScale: 32768 });
      const weightsOf: Record<number, [number, number]> = {
        0: [0, 250],
        1: [300, 589],
        5: [100, 500],
        9: [400, 420],
        10: [420, 589],
      };
      for (const [index, [a, b]] of Object.entries(weightsOf).map(
        ([i, span]) => [Number(i), span] as const,
      )) {
        const chunk = Math.floor(index / K);
        const weights = new Float32Array(FRAMES);
        weights.fill(1, a, b);
        const out = await original.run({
          fbank: new ort.Tensor('float32', chunkFbank(audio, chunk, fbank), [1, 998, 80]),
          weights: new ort.Tensor('float32', weights, [1, FRAMES]),
        });
        const expected = out.embedding.data as Float32Array;
        const actual = result.vectors.subarray(index * 256, (index + 1) * 256);
        const scale = Math.max(...expected.map(Math.abs));
        let worst = 0;
        for (let d = 0; d < 256; d++) worst = Math.max(worst, Math.abs(actual[d] - expected[d]));
        assert.ok(worst <= 1e-4 * scale, `pair ${index}: differs by ${worst} (scale ${scale})`);
      }
    },
  );

  test(
    'single-input export (features in, pooling over all of them; built in memory)',
    { skip: skipUnlessPresent(audioFile) },
    async () => {
      const { samples } = readWavFile(audioFile);
      const audio = samples.subarray(0, 12.5 * 16000);
      const model = await EmbeddingModel.load(singleInput, { threads: 2 });
      try {
        assert.equal(model.info.inputs, 'frame-selection');
        // The 20-frame speaker of chunk 3 is under the single-input path's 50 fbank frames: skipped.
        const result = await model.embed(audio, segmentation(audio, spans), { batchSize: 3 });
        assert.equal(result.dimension, 16);
        assert.deepEqual(
          Array.from(result.valid),
          expectedValid.map((v, i) => (i === 9 ? 0 : v)),
        );
        assert.ok(result.vectors.every(Number.isFinite));
      } finally {
        await model.release();
      }
    },
  );

  test('a graph with other inputs is refused, naming them', async () => {
    const model = onnx.ModelProto.decode(buildStandInEmbeddingModel(80, 16).bytes);
    const extra = (name: string, rank: number): onnx.IValueInfoProto => ({
      name,
      type: {
        tensorType: {
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: { dim: Array.from({ length: rank }, () => ({ dimParam: 'n' })) },
        },
      },
    });
    model.graph?.input?.push(extra('first', 2), extra('second', 4));
    const file = path.join(dir, 'three-inputs.onnx');
    writeFileSync(file, onnx.ModelProto.encode(model).finish());
    await assert.rejects(
      EmbeddingModel.load(file, { threads: 1 }),
      (error: unknown) =>
        error instanceof ModelLoadError &&
        /found inputs \[feats \(rank 3\), first \(rank 2\), second \(rank 4\)\]/.test(error.message),
    );
  });
});
