import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { decodeToPcm, readWavFile } from '../../../libs/audio';
import {
  formatParityRun,
  isParityFolder,
  readParityFixture,
  runParity,
  segmentAudio,
} from '../../../libs/diarization';

/** The segmentation graph with its SincNet filterbank in float, derived at install time. */
export const FLOAT_SINCNET_SEGMENTATION = 'pyannote-segmentation-3.0.int8-float-sincnet.onnx';
export const INT8_SEGMENTATION = 'pyannote-segmentation-3.0.int8.onnx';

/**
 * The segmentation model `eval parity --audio` runs: $SEGMENTATION_MODEL_PATH, else the float-SincNet
 * graph under $MODELS_DIR (default ./models) when installed, else the int8 graph there.
 */
export function paritySegmentationModel(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SEGMENTATION_MODEL_PATH) return env.SEGMENTATION_MODEL_PATH;
  const folder = path.join(env.MODELS_DIR || 'models', 'segmentation');
  const derived = path.join(folder, FLOAT_SINCNET_SEGMENTATION);
  return existsSync(derived) ? derived : path.join(folder, INT8_SEGMENTATION);
}

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
    .option('--segmentation-model <path>', 'segmentation ONNX model for --audio (default: see README)')
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
        ours = await segmentAudio(options.segmentationModel ?? paritySegmentationModel(), samples);
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
