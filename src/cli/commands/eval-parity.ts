import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeToPcm, readWavFile } from '../../../libs/audio';
import {
  formatParityRun,
  isParityFolder,
  readParityFixture,
  runParity,
  segmentAudio,
} from '../../../libs/diarization';
import { configuredModelPath } from '../../config/model-discovery';

interface ParityOptions {
  audio?: string;
  format: string;
  segmentationModel?: string;
}

/**
 * `eval parity DIR [--audio FILE] [--format json]`: this project's community-1 stages run on the
 * inputs pyannote gave each stage in a parity folder (shared/fixtures/parity/NN_*), compared with
 * pyannote's results; with --audio, this project's segmentation of the recording as well.
 */
export function registerEvalParityCommand(evaluate: Command): void {
  evaluate
    .command('parity')
    .description("Check this project's diarization stages against pyannote community-1's own results")
    .argument('<dir>', 'a folder with pyannote-intermediates.json and pyannote-output.rttm')
    .option('--audio <file>', "the folder's recording: also compare this project's segmentation of it")
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--segmentation-model <path>',
      'segmentation ONNX model for --audio (default: $SEGMENTATION_MODEL_PATH, else the one installed in MODELS_DIR)',
      configuredModelPath('SEGMENTATION_MODEL_PATH'),
    )
    .action(async (dir: string, options: ParityOptions) => {
      if (options.format !== 'text' && options.format !== 'json') {
        throw new Error(`--format must be text or json (got "${options.format}")`);
      }
      if (!isParityFolder(dir)) {
        throw new Error(`${dir} holds no pyannote-intermediates.json and pyannote-output.rttm`);
      }
      const fixture = readParityFixture(dir);
      let ours;
      if (options.audio) {
        const digest = createHash('sha256').update(readFileSync(options.audio)).digest('hex');
        if (fixture.clipSha256 && digest !== fixture.clipSha256) {
          process.stderr.write(
            `warning: ${options.audio} is not the recording pyannote ran on (sha256 differs from manifest.json)\n`,
          );
        }
        const samples = await readAudio(options.audio);
        if (!options.segmentationModel) {
          throw new Error(
            '--audio needs a segmentation model: install one (npm run models) or pass --segmentation-model',
          );
        }
        ours = await segmentAudio(options.segmentationModel, samples);
      }
      const run = await runParity(fixture, ours);
      process.stdout.write(
        options.format === 'json' ? `${JSON.stringify(run.report)}\n` : formatParityRun(fixture.name, run),
      );
    });
}

/** 16 kHz WAV directly (bit-exact, as pyannote reads it); anything else through ffmpeg. */
async function readAudio(file: string): Promise<Float32Array> {
  if (file.toLowerCase().endsWith('.wav')) {
    const { samples, sampleRate } = readWavFile(file);
    if (sampleRate === 16000) return samples;
  }
  return decodeToPcm(file, { sampleRate: 16000 });
}
