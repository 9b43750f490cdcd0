/**
 * Time and memory of community-1's clustering (training set, AHC, PLDA, VBx, assignment) on pyannote's
 * own embeddings of the 16-minute parity recording, and on that recording's windows tiled to about
 * an hour (each copy's embeddings nudged by tiny noise, so that no two are identical): the clustering
 * is quadratic in the embeddings clustered, and the ratio of the two times shows it.
 *   npm run -s build:test && node dist/bench/community1-clustering.js [--copies 4]
 * SHARED_DIR locates fixtures/parity/06_long_recording.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { clusterVbx } from '../libs/diarization/clustering';
import { createYielder } from '../libs/diarization/common';
import type { LocalEmbeddings } from '../libs/diarization/embeddings';
import { readParityFixture } from '../libs/diarization/parity';
import type { LocalSegmentation } from '../libs/diarization/segmentation';

const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(__dirname, '..', '..', '..', 'shared'));
const folder = path.join(sharedDir, 'fixtures', 'parity', '06_long_recording');
const MB = 2 ** 20;

function tile(seg: LocalSegmentation, embeddings: LocalEmbeddings, copies: number) {
  const stepFrames = seg.chunkStartFrames[1] - seg.chunkStartFrames[0];
  const numChunks = seg.numChunks * copies;
  const activity = new Uint8Array(seg.activity.length * copies);
  const vectors = new Float32Array(embeddings.vectors.length * copies);
  const valid = new Uint8Array(embeddings.valid.length * copies);
  let state = 7;
  const noise = (): number => {
    state = (state * 1664525 + 1013904223) % 4294967296;
    return (state / 4294967296 - 0.5) * 1e-3;
  };
  for (let copy = 0; copy < copies; copy++) {
    activity.set(seg.activity, copy * seg.activity.length);
    valid.set(embeddings.valid, copy * embeddings.valid.length);
    const offset = copy * embeddings.vectors.length;
    for (let i = 0; i < embeddings.vectors.length; i++) vectors[offset + i] = embeddings.vectors[i] + noise();
  }
  const tiled: LocalSegmentation = {
    ...seg,
    numChunks,
    activity,
    chunkStartFrames: Int32Array.from({ length: numChunks }, (_, c) => c * stepFrames),
    numFrames: seg.numFrames + (numChunks - seg.numChunks) * stepFrames,
  };
  return { seg: tiled, embeddings: { dimension: embeddings.dimension, vectors, valid } };
}

async function timeClustering(seg: LocalSegmentation, embeddings: LocalEmbeddings) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = await clusterVbx(seg, embeddings, { min: 1, max: 20 }, { pause: createYielder() });
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 20));
  loop.disable();
  return { ms, cpuMs, result, maxLoopDelayMs: loop.max / 1e6 };
}

async function main(): Promise<void> {
  if (!existsSync(folder)) {
    console.log(`skipped: ${folder} is missing (set SHARED_DIR)`);
    return;
  }
  const index = process.argv.indexOf('--copies');
  const copies = index >= 0 ? Number(process.argv[index + 1]) : 4;
  const fixture = readParityFixture(folder);
  const seconds = (seg: LocalSegmentation): number => (seg.numChunks - 1) * (seg.stepSamples / 16000) + 10;
  await timeClustering(fixture.segmentation, fixture.embeddings); // warm-up
  const single = await timeClustering(fixture.segmentation, fixture.embeddings);
  const big = tile(fixture.segmentation, fixture.embeddings, copies);
  const rssBefore = process.memoryUsage().rss;
  const long = await timeClustering(big.seg, big.embeddings);
  const figures = {
    bench: 'community1-clustering',
    recordingSeconds: seconds(fixture.segmentation),
    embeddingsClustered: single.result.training.chunk.length,
    clusteringMs: Math.round(single.ms),
    clusteringCpuMs: Math.round(single.cpuMs),
    speakers: single.result.numClusters,
    tiledSeconds: seconds(big.seg),
    tiledEmbeddingsClustered: long.result.training.chunk.length,
    tiledClusteringMs: Math.round(long.ms),
    tiledClusteringCpuMs: Math.round(long.cpuMs),
    tiledSpeakers: long.result.numClusters,
    tiledRealTimeFactor: long.ms / 1000 / seconds(big.seg),
    tiledOverSingleTime: long.ms / single.ms,
    tiledMaxEventLoopDelayMs: Math.round(long.maxLoopDelayMs),
    rssMB: Math.round(Math.max(rssBefore, process.memoryUsage().rss) / MB),
  };
  console.error(
    `${figures.recordingSeconds.toFixed(0)} s, ${figures.embeddingsClustered} embeddings: ${figures.clusteringMs} ms (CPU ${figures.clusteringCpuMs}); ` +
      `x${copies} (${figures.tiledSeconds.toFixed(0)} s, ${figures.tiledEmbeddingsClustered} embeddings): ` +
      `${figures.tiledClusteringMs} ms (CPU ${figures.tiledClusteringCpuMs}; RTF ${figures.tiledRealTimeFactor.toFixed(4)}, ${figures.tiledOverSingleTime.toFixed(1)}x the single), ` +
      `longest event-loop block ${figures.tiledMaxEventLoopDelayMs} ms, RSS ${figures.rssMB} MB`,
  );
  console.log(JSON.stringify(figures));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
