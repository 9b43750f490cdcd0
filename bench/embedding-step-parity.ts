/**
 * What skipping chunks costs with REAL embeddings: on each pyannote parity folder (pyannote's own
 * segmentation and WeSpeaker embeddings of every chunk), keeps only the chunks that an embedding step
 * of n would run through the network, lets the others copy their neighbours' vectors as the Diarizer
 * does, clusters with community-1's chain and scores the result against pyannote's output
 * (embeddingStepDrift in libs/diarization/parity). Step 1 is pyannote's own way.
 *   npm run -s build:test && SHARED_DIR=../shared node dist/bench/embedding-step-parity.js [--steps 1,2,3,4]
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { embeddingStepDrift, isParityFolder, readParityFixture } from '../libs/diarization';

const sharedDir = path.resolve(process.env.SHARED_DIR ?? path.join(__dirname, '..', '..', '..', 'shared'));
const parityDir = path.join(sharedDir, 'fixtures', 'parity');

interface Total {
  errorSeconds: number;
  referenceSeconds: number;
  networkRuns: number;
  chunks: number;
}

async function main(): Promise<void> {
  if (!existsSync(parityDir)) {
    console.log(`skipped: no parity fixtures under ${parityDir} (set SHARED_DIR)`);
    return;
  }
  const stepsIndex = process.argv.indexOf('--steps');
  const steps = (stepsIndex >= 0 ? process.argv[stepsIndex + 1] : '1,2,3,4').split(',').map(Number);
  const folders = readdirSync(parityDir)
    .map((name) => path.join(parityDir, name))
    .filter((folder) => isParityFolder(folder));
  const totals = new Map<number, Total>(
    steps.map((step) => [step, { errorSeconds: 0, referenceSeconds: 0, networkRuns: 0, chunks: 0 }]),
  );
  for (const folder of folders) {
    const fixture = readParityFixture(folder);
    const pyannoteSpeakers = new Set(fixture.output.map((turn) => turn.speaker)).size;
    const row: string[] = [];
    for (const step of steps) {
      const { der, networkRuns, speakers } = await embeddingStepDrift(fixture, step);
      const total = totals.get(step) as Total;
      total.errorSeconds += der.missSeconds + der.falseAlarmSeconds + der.confusionSeconds;
      total.referenceSeconds += der.referenceSeconds;
      total.networkRuns += networkRuns;
      total.chunks += fixture.segmentation.numChunks;
      row.push(`step ${step}: ${(der.der * 100).toFixed(2)} % (${speakers} spk, ${networkRuns} runs)`);
    }
    const chunks = fixture.segmentation.numChunks;
    console.log(
      `${path.basename(folder)} (pyannote ${pyannoteSpeakers} spk, ${chunks} chunks): ${row.join('; ')}`,
    );
  }
  const summary = steps.map((step) => {
    const total = totals.get(step) as Total;
    return {
      step,
      derVsPyannote: total.errorSeconds / total.referenceSeconds,
      networkRunsPerChunk: total.networkRuns / total.chunks,
    };
  });
  for (const { step, derVsPyannote, networkRunsPerChunk } of summary) {
    console.log(
      `aggregate, step ${step}: DER against pyannote ${(derVsPyannote * 100).toFixed(2)} %, ` +
        `${networkRunsPerChunk.toFixed(2)} network runs per chunk`,
    );
  }
  console.log(JSON.stringify({ bench: 'embedding-step-parity', folders: folders.length, summary }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
