import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_EMBEDDING_STEP } from '../../../libs/diarization/diarizer';
import { embeddingStepDrift, isParityFolder, readParityFixture } from '../../../libs/diarization/parity';
import { sharedPath, skipUnlessPresent } from '../../support/shared-files';

const PARITY_DIR = sharedPath('fixtures', 'parity');

/** Aggregate drift from pyannote's output over every parity folder, and network runs per chunk. */
async function driftOverSet(step: number) {
  let error = 0;
  let reference = 0;
  let runs = 0;
  let chunks = 0;
  for (const name of readdirSync(PARITY_DIR).sort()) {
    const folder = path.join(PARITY_DIR, name);
    if (!isParityFolder(folder)) continue;
    const fixture = readParityFixture(folder);
    const drift = await embeddingStepDrift(fixture, step);
    error += drift.der.missSeconds + drift.der.falseAlarmSeconds + drift.der.confusionSeconds;
    reference += drift.der.referenceSeconds;
    runs += drift.networkRuns;
    chunks += fixture.segmentation.numChunks;
  }
  assert.ok(reference > 0, `no parity folder with speech in ${PARITY_DIR}`);
  return { der: error / reference, runsPerChunk: runs / chunks };
}

// The default embedding step is chosen on pyannote's real embeddings (the stand-in model has random
// weights, so the Diarizer's own runs cannot show what skipping chunks costs).
test(
  'with real embeddings, the default embedding step stays within 1 % DER of pyannote and runs under half the chunks',
  { skip: skipUnlessPresent(PARITY_DIR) },
  async () => {
    const every = await driftOverSet(1);
    assert.ok(every.der < 0.001, `every chunk embedded: ${(every.der * 100).toFixed(2)} % from pyannote`);
    assert.ok(every.runsPerChunk > 0.95, `step 1 embeds every chunk with speech (${every.runsPerChunk})`);
    const stepped = await driftOverSet(DEFAULT_EMBEDDING_STEP);
    assert.ok(
      stepped.der <= 0.01,
      `step ${DEFAULT_EMBEDDING_STEP}: ${(stepped.der * 100).toFixed(2)} % from pyannote`,
    );
    assert.ok(
      stepped.runsPerChunk < 0.5,
      `step ${DEFAULT_EMBEDDING_STEP}: ${stepped.runsPerChunk} runs per chunk`,
    );
  },
);
