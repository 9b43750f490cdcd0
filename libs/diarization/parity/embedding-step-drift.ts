import { clusterVbx, withoutSilentSpeakers } from '../clustering';
import { type LocalEmbeddings, applyCopies, planEmbeddingStep } from '../embeddings';
import {
  capSpeakerCount,
  estimateSpeakerCount,
  framesToTurns,
  reconstructFromClusters,
} from '../reconstruction';
import { type DerResult, computeDer } from '../scoring';
import { frameMiddle } from '../segmentation';
import { resolveSpeakerBounds } from '../speaker-bounds';
import type { ParityFixture } from './fixture';

export interface EmbeddingStepDrift {
  /** The chain's output scored against pyannote's (whose every chunk was embedded). */
  der: DerResult;
  /** Chunks the embedding model would have run on. */
  networkRuns: number;
  speakers: number;
}

/**
 * What an embedding step costs with real embeddings: keeps pyannote's vectors only for the chunks that
 * `step` would run through the network, lets the others copy matched neighbours as the Diarizer does,
 * then runs community-1's chain and scores it against pyannote's output.
 */
export async function embeddingStepDrift(fixture: ParityFixture, step: number): Promise<EmbeddingStepDrift> {
  const seg = fixture.segmentation;
  const k = seg.numLocalSpeakers;
  const { dimension, vectors, valid } = fixture.embeddings;
  const plan = planEmbeddingStep(seg, step);
  const stepped: LocalEmbeddings = {
    dimension,
    vectors: new Float32Array(vectors.length),
    valid: new Uint8Array(valid.length),
  };
  for (const { chunk, speakers } of plan.embed) {
    for (const speaker of speakers) {
      const pair = chunk * k + speaker;
      stepped.vectors.set(vectors.subarray(pair * dimension, (pair + 1) * dimension), pair * dimension);
      stepped.valid[pair] = valid[pair];
    }
  }
  applyCopies(plan, stepped.vectors, stepped.valid, dimension);

  const bounds = resolveSpeakerBounds();
  const clustering = await clusterVbx(seg, stepped, bounds, {
    threshold: fixture.threshold,
    fa: fixture.fa,
    fb: fixture.fb,
    maxIters: fixture.maxIters,
  });
  const clusters = withoutSilentSpeakers(clustering.hardClusters, seg, stepped.valid);
  const count = capSpeakerCount(estimateSpeakerCount(seg), bounds.max);
  const frames = reconstructFromClusters(seg, clusters, count);
  const turns = framesToTurns(frames, seg.frames, frameMiddle(seg.frames, seg.numFrames - 1));
  return {
    der: computeDer(fixture.output, turns),
    networkRuns: plan.embed.length,
    speakers: new Set(turns.map((turn) => turn.speaker)).size,
  };
}
