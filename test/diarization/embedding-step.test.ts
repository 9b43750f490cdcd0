import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readWavFile } from '../../libs/audio';
import { Diarizer } from '../../libs/diarization';
import { EmbeddingModel, type LocalEmbeddings } from '../../libs/diarization/embeddings/embedding';
import { planEmbeddingStep } from '../../libs/diarization/embeddings/embedding-step';
import { clearFrames, findSilentFrames } from '../../libs/diarization/reconstruction';
import { type LocalSegmentation, SegmentationModel } from '../../libs/diarization/segmentation';
import { fixtures, models, sharedPath, skipUnlessPresent } from '../support/shared-files';

const standIn = sharedPath('standins', 'standin-wespeaker-resnet34-lm.onnx');
const audioFile = fixtures.real('pyannote-sample.wav');
const skip = skipUnlessPresent(standIn, audioFile, models.segmentation);

async function segmentFile(samples: Float32Array): Promise<LocalSegmentation> {
  const segmentation = await SegmentationModel.load(models.segmentation, { threads: 1 });
  try {
    const seg = await segmentation.segment(samples, { stepSamples: 16000, batchSize: 1 });
    clearFrames(seg, await findSilentFrames(samples, seg, 16000));
    return seg;
  } finally {
    await segmentation.release();
  }
}

/** Embeddings with one chunk per model run (batch = the local speakers), and how many runs it took. */
async function embedCountingRuns(
  model: EmbeddingModel,
  samples: Float32Array,
  seg: LocalSegmentation,
  chunkStep: number,
): Promise<{ embeddings: LocalEmbeddings; runs: number }> {
  let runs = 0;
  const embeddings = await model.embed(samples, seg, {
    batchSize: seg.numLocalSpeakers,
    chunkStep,
    onProgress: () => runs++,
  });
  return { embeddings, runs };
}

const vector = (e: LocalEmbeddings, pair: number): Float32Array =>
  e.vectors.subarray(pair * e.dimension, (pair + 1) * e.dimension);

describe('embedding step 2: every other chunk through the model, the others copy matched neighbours', () => {
  test(
    'on a real file with the WeSpeaker stand-in: half the trunk runs, copies equal their source',
    { skip },
    async () => {
      const { samples } = readWavFile(audioFile);
      const seg = await segmentFile(samples);
      const model = await EmbeddingModel.load(standIn, { threads: 1 });
      let every: { embeddings: LocalEmbeddings; runs: number };
      let halved: { embeddings: LocalEmbeddings; runs: number };
      try {
        assert.equal(model.info.inputs, 'masked-pooling');
        every = await embedCountingRuns(model, samples, seg, 1);
        halved = await embedCountingRuns(model, samples, seg, 2);
      } finally {
        await model.release();
      }
      const plan = planEmbeddingStep(seg, 2);
      const chunksWithSpeech = planEmbeddingStep(seg, 1).embed.length;
      assert.equal(every.runs, chunksWithSpeech);
      assert.equal(halved.runs, plan.embed.length);
      // Every even chunk with speech, plus the odd ones with a speaker matched in neither neighbour
      // (embedded after all); those are a minority of the skipped chunks.
      const evenChunks = plan.embed.filter(({ chunk }) => chunk % 2 === 0).length;
      const unmatchedChunks = plan.embed.length - evenChunks;
      const skippedChunks = chunksWithSpeech - evenChunks;
      assert.ok(evenChunks <= Math.ceil(chunksWithSpeech / 2));
      assert.ok(
        unmatchedChunks < skippedChunks / 2,
        `${unmatchedChunks} of ${skippedChunks} skipped chunks have an unmatched speaker`,
      );
      assert.ok(plan.copies.length > 0);

      const { dimension } = halved.embeddings;
      assert.equal(dimension, every.embeddings.dimension);
      const copied = new Set(plan.copies.map(({ target }) => target));
      for (const { target, source } of plan.copies) {
        assert.equal(Math.floor(target / seg.numLocalSpeakers) % 2, 1, 'only skipped chunks copy');
        assert.equal(
          Math.abs(Math.floor(source / seg.numLocalSpeakers) - Math.floor(target / seg.numLocalSpeakers)),
          1,
        );
        assert.equal(halved.embeddings.valid[target], halved.embeddings.valid[source]);
        assert.deepEqual(vector(halved.embeddings, target), vector(halved.embeddings, source));
      }
      // Every pair the model ran on is the one step 1 computes; every active pair has an embedding.
      for (let pair = 0; pair < halved.embeddings.valid.length; pair++) {
        if (copied.has(pair)) continue;
        assert.equal(halved.embeddings.valid[pair], every.embeddings.valid[pair], `pair ${pair}`);
        if (!every.embeddings.valid[pair]) continue;
        const got = vector(halved.embeddings, pair);
        const want = vector(every.embeddings, pair);
        for (let i = 0; i < dimension; i++)
          assert.ok(Math.abs(got[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])));
      }
    },
  );

  test(
    'the diarization of a real file with the stand-in and the default step is the same run after run',
    { skip },
    async () => {
      const { samples } = readWavFile(audioFile);
      const diarizer = await Diarizer.create({
        segmentationModelPath: models.segmentation,
        embeddingModelPath: standIn,
        threads: 1,
      });
      try {
        const first = await diarizer.diarize(samples);
        const second = await diarizer.diarize(samples);
        assert.ok(first.turns.length > 0);
        assert.deepEqual(second, first);
      } finally {
        await diarizer.close();
      }
    },
  );

  test('a step that is not a positive whole number is refused', async () => {
    await assert.rejects(
      Diarizer.create({ segmentationModelPath: models.segmentation, embeddingStep: 0 }),
      /embeddingStep must be a positive whole number/,
    );
  });
});

describe('planEmbeddingStep: which pairs of skipped chunks copy a neighbour', () => {
  const FRAMES = 589;
  const K = 3;
  /** Three chunks 59 frames apart, activity given as [chunk, speaker, first, end) spans. */
  function threeChunks(spans: [number, number, number, number][]): LocalSegmentation {
    const activity = new Uint8Array(3 * FRAMES * K);
    for (const [c, s, a, b] of spans) for (let f = a; f < b; f++) activity[(c * FRAMES + f) * K + s] = 1;
    return {
      numChunks: 3,
      framesPerChunk: FRAMES,
      numLocalSpeakers: K,
      activity,
      chunkStartFrames: Int32Array.from([0, 59, 118]),
      numFrames: 118 + FRAMES,
      frames: { step: 270 / 16000, duration: 991 / 16000 },
      windowSamples: 160000,
      stepSamples: 16000,
    };
  }

  test('matched by shared frames whatever the local order; unseen by both neighbours: embedded', () => {
    const seg = threeChunks([
      [0, 0, 100, 400], // global 100..400
      [1, 2, 41, 341], // the same frames, another local index
      [1, 1, 560, 589], // global 619..648: only chunk 2 sees them
      [2, 0, 501, 530],
      [1, 0, 0, 20], // global 59..79: neither neighbour talks there
    ]);
    const plan = planEmbeddingStep(seg, 2);
    assert.deepEqual(plan.embed, [
      { chunk: 0, speakers: [0] },
      { chunk: 1, speakers: [0] },
      { chunk: 2, speakers: [0] },
    ]);
    assert.deepEqual(
      [...plan.copies].sort((a, b) => a.target - b.target),
      [
        { target: 1 * K + 1, source: 2 * K + 0 },
        { target: 1 * K + 2, source: 0 * K + 0 },
      ],
    );
  });

  test("a neighbour that shares under half of the speaker's frames is no match", () => {
    const seg = threeChunks([
      [0, 0, 59, 159], // global 59..159
      [1, 0, 0, 300], // global 59..359: 100 of 300 frames shared with chunk 0, none with chunk 2's speech
    ]);
    const plan = planEmbeddingStep(seg, 2);
    assert.deepEqual(plan.copies, []);
    assert.deepEqual(plan.embed, [
      { chunk: 0, speakers: [0] },
      { chunk: 1, speakers: [0] },
    ]);
  });
});
