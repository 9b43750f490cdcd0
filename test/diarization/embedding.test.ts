import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readWavFile } from '../../libs/audio';
import { Diarizer, FbankExtractor } from '../../libs/diarization';
import { EmbeddingModel } from '../../libs/diarization/embeddings/embedding';
import type { LocalSegmentation } from '../../libs/diarization/segmentation/segmentation';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { buildStandInEmbeddingModel } from './stand-in-embedding';

const MEL = 80;
const DIM = 16;
let dir: string;
let modelPath: string;
let weights: Float32Array;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'diarization-embedding-'));
  const built = buildStandInEmbeddingModel(MEL, DIM);
  weights = built.weights;
  modelPath = path.join(dir, 'stand-in.onnx');
  writeFileSync(modelPath, built.bytes);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** One 10 s window (589 frames of 270 samples, like segmentation-3.0) with hand-made local activity. */
function oneWindow(spans: [number, number][]): LocalSegmentation {
  const framesPerChunk = 589;
  const activity = new Uint8Array(framesPerChunk * 3);
  spans.forEach(([a, b], s) => {
    for (let f = a; f < b; f++) activity[f * 3 + s] = 1;
  });
  return {
    numChunks: 1,
    framesPerChunk,
    numLocalSpeakers: 3,
    activity,
    chunkStartFrames: Int32Array.of(0),
    numFrames: framesPerChunk,
    frames: { step: 270 / 16000, duration: 991 / 16000 },
    windowSamples: 160000,
    stepSamples: 16000,
  };
}

/** fbank frame j lies over segmentation frame floor(j * 589 / 998) (nearest-neighbour stretching). */
function segFrameOf(j: number, fbankFrames: number): number {
  return Math.floor((j * 589) / fbankFrames);
}

/**
 * What the stand-in should output, computed independently: the window's fbank minus its mean over the
 * whole window (pyannote's per-chunk CMN), rows under segmentation frames [first, end), then
 * mean over those rows of features^2, times W.
 */
function expectedEmbedding(
  samples: Float32Array,
  firstSegFrame: number,
  endSegFrame: number,
  keep?: number,
): number[] {
  const fbank = new FbankExtractor({ numMelBins: MEL, window: 'hamming', inputScale: 32768 });
  const features = fbank.compute(samples);
  const frames = fbank.numFrames(samples.length);
  const rows: number[] = [];
  for (let j = 0; j < frames; j++) {
    const segFrame = segFrameOf(j, frames);
    if (segFrame >= firstSegFrame && segFrame < endSegFrame) rows.push(j);
  }
  const used = rows.slice(0, keep ?? rows.length);
  const out = new Array<number>(DIM).fill(0);
  for (let b = 0; b < MEL; b++) {
    let mean = 0;
    for (let j = 0; j < frames; j++) mean += features[j * MEL + b] / frames;
    const power = used.reduce((sum, j) => sum + (features[j * MEL + b] - mean) ** 2, 0) / used.length;
    for (let d = 0; d < DIM; d++) out[d] += power * weights[b * DIM + d];
  }
  return out;
}

function syntheticAudio(): Float32Array {
  const samples = new Float32Array(160000);
  let state = 11;
  for (let i = 0; i < samples.length; i++) {
    state = (state * 1664525 + 1013904223) % 4294967296;
    const tone =
      i < 80000 ? Math.sin((2 * Math.PI * 180 * i) / 16000) : Math.sin((2 * Math.PI * 900 * i) / 16000);
    samples[i] = 0.2 * tone + 0.05 * (state / 4294967296 - 0.5);
  }
  return samples;
}

function assertClose(actual: Float32Array, expected: number[], message: string): void {
  for (let d = 0; d < expected.length; d++) {
    const tolerance = 1e-3 * Math.max(1, Math.abs(expected[d]));
    assert.ok(
      Math.abs(actual[d] - expected[d]) < tolerance,
      `${message} [${d}]: ${actual[d]} vs ${expected[d]}`,
    );
  }
}

describe('speaker-embedding path through ONNX Runtime (stand-in WeSpeaker graph built in the test)', () => {
  test('the model is read from its file: inputs, metadata, output size', async () => {
    const model = await EmbeddingModel.load(modelPath, { threads: 1 });
    try {
      assert.deepEqual(model.info, {
        inputs: 'frame-selection',
        sampleRate: 16000,
        numMelBins: MEL,
        inputScale: 32768,
        window: 'hamming',
        dimension: DIM,
      });
    } finally {
      await model.release();
    }
  });

  test('each local speaker is embedded from the frames where it talks alone, fbank normalized over the window', async () => {
    const model = await EmbeddingModel.load(modelPath, { threads: 1 });
    try {
      const samples = syntheticAudio();
      // Local speakers 0 and 1 overlap on frames 200..249: those frames belong to neither. Their lengths
      // differ enough for separate runs, so each is pooled over all its own frames.
      const seg = oneWindow([
        [0, 250],
        [200, 589],
      ]);
      const result = await model.embed(samples, seg, { batchSize: 3 });
      assert.equal(result.dimension, DIM);
      assert.deepEqual(Array.from(result.valid), [1, 1, 0]);
      assertClose(result.vectors.subarray(0, DIM), expectedEmbedding(samples, 0, 200), 'speaker 0');
      assertClose(result.vectors.subarray(DIM, 2 * DIM), expectedEmbedding(samples, 250, 589), 'speaker 1');
    } finally {
      await model.release();
    }
  });

  test('speakers of similar length share one batch, each cut to the shorter length', async () => {
    const model = await EmbeddingModel.load(modelPath, { threads: 1 });
    try {
      const samples = syntheticAudio();
      const seg = oneWindow([
        [0, 290],
        [290, 589],
      ]);
      const result = await model.embed(samples, seg, { batchSize: 3 });
      const frames = new FbankExtractor().numFrames(160000);
      const lengthOf = (a: number, b: number): number =>
        Array.from({ length: frames }, (_, j) => segFrameOf(j, frames)).filter((f) => f >= a && f < b).length;
      const shorter = Math.min(lengthOf(0, 290), lengthOf(290, 589));
      assert.ok(shorter >= 0.8 * Math.max(lengthOf(0, 290), lengthOf(290, 589)));
      assertClose(result.vectors.subarray(0, DIM), expectedEmbedding(samples, 0, 290, shorter), 'speaker 0');
      assertClose(
        result.vectors.subarray(DIM, 2 * DIM),
        expectedEmbedding(samples, 290, 589, shorter),
        'speaker 1',
      );
    } finally {
      await model.release();
    }
  });

  test(
    'Diarizer with the embedding model runs end to end on real audio and honours the count',
    { skip: skipUnlessPresent(models.segmentation, fixtures.audio('conv-ko-2spk.wav')) },
    async () => {
      const diarizer = await Diarizer.create({
        segmentationModelPath: models.segmentation,
        embeddingModelPath: modelPath,
        threads: 2,
      });
      try {
        assert.equal(diarizer.usesEmbeddings, true);
        const { samples } = readWavFile(fixtures.audio('conv-ko-2spk.wav'));
        const progress: number[] = [];
        const result = await diarizer.diarize(samples, {
          numSpeakers: 2,
          onProgress: (p) => progress.push(p),
        });
        assert.ok(result.speakerCount >= 1 && result.speakerCount <= 2, `count ${result.speakerCount}`);
        assert.ok(result.turns.length > 0);
        const duration = samples.length / 16000;
        for (const turn of [...result.turns, ...result.exclusiveTurns]) {
          assert.ok(turn.start >= 0 && turn.end <= duration + 1e-9 && turn.end > turn.start);
        }
        assert.equal(result.turns[0].speaker, 0, 'speakers are numbered by first appearance');
        assert.equal(progress.at(-1), 100);
        assert.ok(
          progress.some((p) => p > 50 && p < 90),
          'the embedding stage reports progress',
        );
      } finally {
        await diarizer.close();
      }
    },
  );
});
