/**
 * Real-time factor and peak memory of the speaker-embedding path (fbank + embedding model on every
 * active (10 s chunk, local speaker) pair) on a long file built by looping the shared recordings
 * (default one hour), with the WeSpeaker ResNet34-LM stand-in (real graph and cost, random weights):
 *   npm run -s build:test && node dist/bench/embedding-rtf.js [seconds] [--threads N] [--embedding-step N]
 * --embedding-step: embed every n-th chunk, the others copying matched neighbours (default: the Diarizer's).
 * Segmentation runs first (timed apart) to give the pairs. As a same-process reference, the first 40
 * chunks are embedded both ways on one thread, alternated: the unmodified graph once per active pair,
 * and the rewritten graph once per chunk (their ratio is what sharing the trunk saves).
 * EMBEDDING_MODEL_PATH / SEGMENTATION_MODEL_PATH / SHARED_DIR locate the models and fixtures.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ChunkFeatures } from '../libs/diarization/embeddings/chunk-features';
import { DEFAULT_EMBEDDING_STEP } from '../libs/diarization/diarizer';
import { EmbeddingModel } from '../libs/diarization/embeddings/embedding';
import { planEmbeddingStep } from '../libs/diarization/embeddings/embedding-step';
import { FbankExtractor } from '../libs/diarization/embeddings/fbank';
import { speakerMask } from '../libs/diarization/embeddings/speaker-masks';
import {
  SPEAKER_CHUNK_INPUT,
  prepareEmbeddingGraph,
} from '../libs/diarization/embeddings/shared-trunk-graph';
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
 * Same-process reference, one thread, alternated chunk by chunk so that machine noise falls on both
 * alike: the unmodified graph run once per active (chunk, speaker) pair (pyannote's way, minus its
 * inactive pairs) against the rewritten graph run once per chunk. Returns seconds for each.
 */
async function reference(
  audio: Float32Array,
  seg: LocalSegmentation,
): Promise<{ perPair: number; perChunk: number; pairs: number; chunks: number } | null> {
  const bytes = readFileSync(embeddingPath);
  const prepared = prepareEmbeddingGraph(bytes);
  if (!prepared.pooling) return null;
  const { features: fbankName, weights: weightsName } = prepared.pooling;
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    enableMemPattern: false,
  };
  const original = await ort.InferenceSession.create(bytes, options);
  const rewritten = await ort.InferenceSession.create(prepared.bytes, options);
  const fbank = new FbankExtractor({ window: 'hamming', inputScale: 32768 });
  const features = new ChunkFeatures(audio, fbank, seg.windowSamples, seg.stepSamples);
  const frames = features.framesPerChunk;
  const seconds = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e9;
  let perPair = 0;
  let perChunk = 0;
  let pairs = 0;
  let chunks = 0;
  for (let c = 0; c < seg.numChunks; c++) {
    const masks: Float32Array[] = [];
    for (let s = 0; s < seg.numLocalSpeakers; s++) {
      const mask = speakerMask(seg, c, s);
      if (mask) masks.push(mask);
    }
    if (masks.length === 0) continue;
    const rows = new ort.Tensor('float32', features.chunk(c), [1, frames, 80]);
    let started = process.hrtime.bigint();
    for (const mask of masks) {
      await original.run({
        [fbankName]: rows,
        [weightsName]: new ort.Tensor('float32', mask, [1, mask.length]),
      });
    }
    perPair += seconds(started);
    const weights = new Float32Array(masks.length * seg.framesPerChunk);
    masks.forEach((mask, i) => weights.set(mask, i * seg.framesPerChunk));
    started = process.hrtime.bigint();
    await rewritten.run({
      [fbankName]: rows,
      [weightsName]: new ort.Tensor('float32', weights, [masks.length, seg.framesPerChunk]),
      [SPEAKER_CHUNK_INPUT]: new ort.Tensor('int64', new BigInt64Array(masks.length), [masks.length]),
    });
    perChunk += seconds(started);
    pairs += masks.length;
    chunks++;
  }
  await original.release();
  await rewritten.release();
  return { perPair, perChunk, pairs, chunks };
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
  const chunkStep = option(argv, '--embedding-step') ?? DEFAULT_EMBEDDING_STEP;
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
  const plan = planEmbeddingStep(seg, chunkStep);
  const trunkRuns = plan.embed.length;

  const rssBeforeMb = process.memoryUsage().rss / MB;
  const model = await EmbeddingModel.load(embeddingPath, { threads });
  started = process.hrtime.bigint();
  let reported = 0;
  const embeddings = await model.embed(audio, seg, {
    batchSize: k,
    chunkStep,
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
      `(${(activePairs / numChunks).toFixed(2)} per chunk); embedding step ${chunkStep}: ${trunkRuns} chunks ` +
      `through the trunk, ${plan.copies.length} pairs copied from a neighbour; ` +
      `${computed} embeddings in ${elapsed.toFixed(1)} s ` +
      `-> RTF ${rtf.toFixed(4)}; peak RSS ${peakRssMb.toFixed(0)} MB (${rssBeforeMb.toFixed(0)} MB before loading ` +
      `the model, ${((audio.length * 4) / MB).toFixed(0)} MB of it the audio); segmentation took ${segmentationSeconds.toFixed(1)} s`,
  );
  await model.release();
  const ref = argv.includes('--no-reference')
    ? null
    : await reference(audio, firstChunks(seg, REFERENCE_CHUNKS));
  const speedup = ref ? ref.perPair / ref.perChunk : null;
  if (ref) {
    console.log(
      `reference, same process, one thread, first ${REFERENCE_CHUNKS} chunks (${ref.pairs} active pairs in ` +
        `${ref.chunks} chunks), alternated chunk by chunk: unmodified graph once per active pair ` +
        `${ref.perPair.toFixed(1)} s, rewritten graph once per chunk ${ref.perChunk.toFixed(1)} s -> ` +
        `${(speedup as number).toFixed(2)}x (${((1000 * ref.perChunk) / ref.chunks).toFixed(0)} ms per chunk); ` +
        `pyannote's one run per pair (3 per chunk) would be ${((3 * numChunks) / activePairs).toFixed(2)}x the former`,
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
      embeddingStep: chunkStep,
      trunkRuns,
      copiedPairs: plan.copies.length,
      embeddings: computed,
      elapsedSeconds: elapsed,
      rtf,
      peakRssMb,
      rssBeforeMb,
      speedupOverRunPerActivePair: speedup,
      referenceMsPerChunk: ref ? (1000 * ref.perChunk) / ref.chunks : null,
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
