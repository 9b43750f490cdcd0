import path from 'node:path';
import { type Command, InvalidArgumentError as CommanderArgumentError } from 'commander';
import { decodeAudio, ffmpegAudioDecoder } from '../../../libs/audio';
import { Diarizer, type SpeakerTurn } from '../../../libs/diarization';
import { formatRttm } from '../../../libs/formats';
import { diarizeEachChannel } from '../../../libs/pipeline';
import { detectSpeech } from '../../../libs/speech';
import { configuredModelPath } from '../../config/model-discovery';
import { positiveInteger } from '../support/option-parsers';
import { writeWarnings } from '../support/output';
import { ProgressBar } from '../support/progress-bar';

interface DiarizeCommandOptions {
  segmentationModel?: string;
  vadModel?: string;
  channels?: boolean;
  embeddingModel?: string;
  speakers?: number;
  minSpeakers?: number;
  maxSpeakers?: number;
  format: string;
  exclusive?: boolean;
  step?: number;
  embeddingStep?: number;
  threads?: number;
  device: string;
}

/**
 * `diarize FILE --segmentation-model PATH [--embedding-model PATH] [--speakers N] [--min-speakers N]
 * [--max-speakers N] --format rttm|json`: prints who spoke when. RTTM uses the input's base name as
 * the file id; JSON is {file, speaker_count, turns, exclusive_turns}.
 */
export function registerDiarizeCommand(program: Command): void {
  program
    .command('diarize')
    .description('Print the speaker turns of a local audio or video file (pyannote segmentation ONNX)')
    .argument('<file>', 'any audio or video file ffmpeg can decode')
    .option(
      '--segmentation-model <path>',
      'pyannote segmentation-3.0 ONNX model (default: $SEGMENTATION_MODEL_PATH, else the one installed in MODELS_DIR)',
      configuredModelPath('SEGMENTATION_MODEL_PATH'),
    )
    .option(
      '--embedding-model <path>',
      'WeSpeaker/3D-Speaker ONNX embedding model; without it the embedding-free strategy runs',
      configuredModelPath('EMBEDDING_MODEL_PATH'),
    )
    .option('--speakers <n>', 'exact number of speakers (wins over min/max)', positiveInteger)
    .option('--min-speakers <n>', 'fewest speakers for the automatic count', positiveInteger)
    .option('--max-speakers <n>', 'most speakers for the automatic count', positiveInteger)
    .option('--format <format>', 'rttm or json', 'rttm')
    .option('--exclusive', 'print one-speaker-at-a-time turns instead of overlapping ones')
    .option('--step <ratio>', 'window step as a fraction of the 10 s window (default 0.1)', positiveNumber)
    .option(
      '--embedding-step <n>',
      'with an embedding model, embed every n-th window; the others copy their neighbours (default 3)',
      positiveInteger,
    )
    .option('--threads <n>', 'inference threads (default: cores up to 4)', positiveInteger)
    .option('--device <device>', 'cpu or cuda', 'cpu')
    .option(
      '--channels',
      "one speaker per audio channel (0 = left, ...): each channel's speech by Silero VAD",
    )
    .option(
      '--vad-model <path>',
      'Silero VAD ggml model, for --channels (default: $VAD_MODEL_PATH)',
      configuredModelPath('VAD_MODEL_PATH'),
    )
    .action(async (file: string, options: DiarizeCommandOptions) => {
      if (options.channels) {
        process.stdout.write(await channelTurns(file, options));
        return;
      }
      if (!options.segmentationModel) {
        throw new Error('--segmentation-model is required (or set SEGMENTATION_MODEL_PATH)');
      }
      if (options.format !== 'rttm' && options.format !== 'json') {
        throw new Error(`--format must be rttm or json (got "${options.format}")`);
      }
      if (options.device !== 'cpu' && options.device !== 'cuda') {
        throw new Error(`--device must be cpu or cuda (got "${options.device}")`);
      }
      const diarizer = await Diarizer.create({
        segmentationModelPath: options.segmentationModel,
        embeddingModelPath: options.embeddingModel,
        executionProvider: options.device,
        threads: options.threads,
        stepRatio: options.step,
        embeddingStep: options.embeddingStep,
      });
      // On a terminal only: pipes and logs get nothing but the result.
      const bar = new ProgressBar(process.stderr);
      try {
        bar.update('decoding', 0);
        const { samples, warnings } = await decodeAudio(file, { sampleRate: diarizer.sampleRate });
        const result = await diarizer.diarize(samples, {
          numSpeakers: options.speakers,
          minSpeakers: options.minSpeakers,
          maxSpeakers: options.maxSpeakers,
          onProgress: (percent) => bar.update('diarizing', percent),
        });
        bar.clear();
        const fileId = path.basename(file, path.extname(file));
        const turns = options.exclusive ? result.exclusiveTurns : result.turns;
        if (options.format === 'rttm') {
          process.stdout.write(formatRttm(turns, fileId));
        } else {
          const body = {
            file: fileId,
            speaker_count: result.speakerCount,
            turns: rounded(turns),
            exclusive_turns: rounded(result.exclusiveTurns),
            ...(warnings.length > 0 ? { warnings } : {}),
          };
          process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
        }
        writeWarnings(warnings);
      } finally {
        bar.clear();
        await diarizer.close();
      }
    });
}

/** --channels: speaker n is channel n, its turns the channel's speech regions (overlaps kept). */
async function channelTurns(file: string, options: DiarizeCommandOptions): Promise<string> {
  const modelPath = options.vadModel;
  if (!modelPath) throw new Error('--channels needs a VAD model (--vad-model or VAD_MODEL_PATH)');
  if (options.format !== 'rttm' && options.format !== 'json') {
    throw new Error(`--format must be rttm or json (got "${options.format}")`);
  }
  const bar = new ProgressBar(process.stderr);
  try {
    const result = await diarizeEachChannel(
      { filePath: file },
      {
        decoder: ffmpegAudioDecoder,
        speechDetector: { detectSpeech: (samples, request) => detectSpeech(samples, { modelPath }, request) },
      },
      { onProgress: (stage, percent) => bar.update(stage, percent) },
    );
    const fileId = path.basename(file, path.extname(file));
    if (options.format === 'rttm') return formatRttm(result.turns, fileId);
    const body = { file: fileId, speaker_count: result.channels, turns: rounded(result.turns) };
    return `${JSON.stringify(body, null, 2)}\n`;
  } finally {
    bar.clear();
  }
}

function rounded(turns: SpeakerTurn[]): SpeakerTurn[] {
  return turns.map(({ speaker, start, end }) => ({ speaker, start: round3(start), end: round3(end) }));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new CommanderArgumentError('expected a positive number');
  return parsed;
}
