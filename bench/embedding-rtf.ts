/**
 * Real-time factor and peak memory of the speaker-embedding path (fbank + embedding model on every
 * active (10 s chunk, local speaker) pair) on a long file built by looping the shared recordings
 * (default one hour), with the WeSpeaker ResNet34-LM stand-in (real graph and cost, random weights):
 *   npm run -s build:test && node dist/bench/embedding-rtf.js [seconds] [--threads N]
 * Segmentation runs first (timed apart) to give the pairs. As a same-process reference, the first 40
 * chunks are embedded both ways, alternated: this path, and the unmodified graph once per active pair.
 * EMBEDDING_MODEL_PATH / SEGMENTATION_MODEL_PATH / SHARED_DIR locate the models and fixtures.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forEachConcurrently } from '../libs/diarization/common';
import { ChunkFeatures } from '../libs/diarization/embeddings/chunk-features';
import { EmbeddingModel } from '../libs/diarization/embeddings/embedding';
import { FbankExtractor } from '../libs/diarization/embeddings/fbank';
import { speakerMask } from '../libs/diarization/embeddings/speaker-masks';
import { InferencePool } from '../libs/diarization/inference/inference-pool';
import { clearFrames, findSilentFrames } from '../libs/diarization/reconstruction';
import { type LocalSegmentation, SegmentationModel } from '../libs/diarization/segmentation';
import { buildLongAudio, longAudioSources } from './long-audio';

const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(__dirname, '..', '..', '..', 'shared'));
const segmentationPath =
  process.env.SEGMENTATION_MODEL_PATH ??
  path.join(sharedDir, 'models', 'segmentation', 'pyannote-segmentation-3.0.int8.onnx');
const embeddingPath =
  process.env.EMBEDDING_MODEL_PATH ?? path.join(sharedDir, 'standins', 'standin-wespeaker-resnet34-lm.onnx');
const REFERENCE_CHUNKS = 40;
const MB = 2 ** 20;

function option(argv: string[], flag: string): number | undefined {
  const index = argv.indexOf(flag);
  return index >= 0 ? Number(argv[index + 1]) : undefined;
}

/** The first `count` chunks of a segmentation, as a segmentation of their own. */
function firstChunks(seg: LocalSegmentation, count: number): LocalSegmentation {
  const n = Math.min(count, seg.numChunks);
  return {
    ...seg,
    numChunks: n,
    activity: seg.activity.subarray(0, n * seg.framesPerChunk * seg.numLocalSpeakers),
  };
}

/**
 * Same-process reference on the same chunks and threads: the unmodified graph run once per active
 * (chunk, speaker) pair (pyannote's way, minus its inactive pairs) against this project's path,
 * alternated so that machine noise falls on both alike. Returns seconds for each.
 */
async function reference(
  audio: Float32Array,
  seg: LocalSegmentation,
  model: EmbeddingModel,
  threads: number,
): Promise<{ perPair: number; shared: number; pairs: number } | null> {
  if (model.info.inputs !== 'masked-pooling') return null;
  const pool = await InferencePool.open(readFileSync(embeddingPath), {}, threads, 'reference');
  const [fbankName, weightsName] = pool.inputs.map((input) => input.name);
  const k = seg.numLocalSpeakers;
  const fbank = new FbankExtractor({ window: 'hamming', inputScale: 32768 });
  let perPair = 0;
  let shared = 0;
  let pairs = 0;
  try {
    for (let round = 0; round < 2; round++) {
      let started = process.hrtime.bigint();
      await model.embed(audio, seg, { batchSize: k });
      shared += Number(process.hrtime.bigint() - started) / 1e9;

      started = process.hrtime.bigint();
      const features = new ChunkFeatures(audio, fbank, seg.windowSamples, seg.stepSamples);
      const work: [number, Float32Array][] = [];
      for (let c = 0; c < seg.numChunks; c++)
        for (let s = 0; s < k; s++) {
          const mask = speakerMask(seg, c, s);
          if (mask) work.push([c, mask]);
        }
      pairs = work.length;
      await forEachConcurrently(work.length, threads, async (i) => {
        const [c, mask] = work[i];
        await pool.run({
          [fbankName]: { type: 'float32', data: features.chunk(c), dims: [1, features.framesPerChunk, 80] },
          [weightsName]: { type: 'float32', data: mask, dims: [1, mask.length] },
        });
      });
      perPair += Number(process.hrtime.bigint() - started) / 1e9;
    }
  } finally {
    await pool.close();
  }
  return { perPair, shared, pairs };
}

async function main(): Promise<void> {
  const sources = longAudioSources(sharedDir);
  const missing = [segmentationPath, embeddingPath, ...sources].find((file) => !existsSync(file));
  if (missing) {
    console.log(
      `skipped: ${missing} is missing (set SHARED_DIR, SEGMENTATION_MODEL_PATH or EMBEDDING_MODEL_PATH)`,
    );
    return;
  }
  const argv = process.argv.slice(2);
  const seconds = Number(argv.find((arg) => /^\d/.test(arg)) ?? 3600);
  const threads = option(argv, '--threads') ?? Math.min(4, os.availableParallelism());
  const audio = buildLongAudio(sources, seconds);

  const segmentation = await SegmentationModel.load(segmentationPath, { threads });
  let started = process.hrtime.bigint();
  const seg = await segmentation.segment(audio, { stepSamples: 16000, batchSize: 1 });
  const segmentationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  await segmentation.release();
  clearFrames(seg, await findSilentFrames(audio, seg, 16000));
  const { numChunks, numLocalSpeakers: k, framesPerChunk } = seg;
  let activePairs = 0;
  let activeChunks = 0;
  for (let c = 0; c < numChunks; c++) {
    let speakers = 0;
    for (let s = 0; s < k; s++) {
      for (let f = 0; f < framesPerChunk; f++) {
        if (seg.activity[(c * framesPerChunk + f) * k + s]) {
          speakers++;
          break;
        }
      }
    }
    activePairs += speakers;
    if (speakers > 0) activeChunks++;
  }

  const rssBeforeMb = process.memoryUsage().rss / MB;
  const model = await EmbeddingModel.load(embeddingPath, { threads });
  started = process.hrtime.bigint();
  let reported = 0;
  const embeddings = await model.embed(audio, seg, {
    batchSize: k,
    // A line per tenth, so that a run cut short still says how fast it went.
    onProgress: (fraction) => {
      if (fraction < reported + 0.1 && fraction < 1) return;
      reported = fraction;
      const spent = Number(process.hrtime.bigint() - started) / 1e9;
      console.error(`  ${(100 * fraction).toFixed(0)} % of the chunks with speech in ${spent.toFixed(0)} s`);
    },
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  let computed = 0;
  for (const v of embeddings.valid) computed += v;
  const rtf = elapsed / seconds;
  console.log(
    `embedding path (${model.info.inputs}, ${threads} inference threads): ${seconds.toFixed(0)} s of audio, ` +
      `${numChunks} chunks, ${activeChunks} with speech, ${activePairs} active (chunk, speaker) pairs ` +
      `(${(activePairs / numChunks).toFixed(2)} per chunk), ${computed} embeddings in ${elapsed.toFixed(1)} s ` +
      `-> RTF ${rtf.toFixed(4)}; peak RSS ${peakRssMb.toFixed(0)} MB (${rssBeforeMb.toFixed(0)} MB before loading ` +
      `the model, ${((audio.length * 4) / MB).toFixed(0)} MB of it the audio); segmentation took ${segmentationSeconds.toFixed(1)} s`,
  );
  const ref = argv.includes('--no-reference')
    ? null
    : await reference(audio, firstChunks(seg, REFERENCE_CHUNKS), model, threads);
  await model.release();
  const speedup = ref ? ref.perPair / ref.shared : null;
  if (ref) {
    console.log(
      `reference, same process, first ${REFERENCE_CHUNKS} chunks (${ref.pairs} active pairs), twice each, alternated: ` +
        `unmodified graph once per active pair ${ref.perPair.toFixed(1)} s, this path ${ref.shared.toFixed(1)} s ` +
        `-> ${(speedup as number).toFixed(2)}x; pyannote's one run per pair (3 per chunk) would be about ` +
        `${((3 * numChunks) / activePairs).toFixed(2)}x the former`,
    );
  }
  console.log(
    JSON.stringify({
      bench: 'embedding-rtf',
      seconds,
      threads,
      inputs: model.info.inputs,
      chunks: numChunks,
      activeChunks,
      activePairs,
      embeddings: computed,
      elapsedSeconds: elapsed,
      rtf,
      peakRssMb,
      rssBeforeMb,
      speedupOverRunPerActivePair: speedup,
      target: 0.1,
      memoryTargetMb: 800,
      pass: rtf <= 0.1 && peakRssMb <= 800,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
