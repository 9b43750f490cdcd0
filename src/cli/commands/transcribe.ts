import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { ffmpegAudioDecoder } from '../../../libs/audio';
import { Diarizer } from '../../../libs/diarization';
import {
  customSpellingProblem,
  EmptyAudioError,
  type CustomSpelling,
  NO_DIARIZATION_WARNING,
  DIARIZE_ALONGSIDE_MODES,
  type DiarizeAlongsideMode,
  planStageSchedule,
  transcribeWhoSaidWhat,
  type SpeechEngine,
  type Transcript,
} from '../../../libs/pipeline';
import {
  hotwordsProblem,
  isAutoLanguage,
  isWhisperLanguage,
  type VadOptions,
  WhisperModel,
} from '../../../libs/speech';
import { positiveInteger, unitNumber } from '../support/option-parsers';
import { configuredModelPath } from '../../config/model-discovery';
import { writeOutput, writeWarnings } from '../support/output';
import { ProgressBar } from '../support/progress-bar';
import { segmentLine } from '../support/segment-line';
import {
  addSpeakerOptions,
  hasSpeakerOptions,
  speakerCountOptions,
  type SpeakerOptionValues,
} from '../support/speaker-options';
import { StageProgress, type StagePlan } from '../support/stage-progress';
import {
  renderTranscriptOutput,
  TRANSCRIPT_FORMATS,
  type TranscriptFormat,
} from '../support/transcript-output';
import { numberTranscript } from '../support/who-said-what';

interface TranscribeCommandOptions extends SpeakerOptionValues {
  model?: string;
  vadModel?: string;
  segmentationModel?: string;
  embeddingModel?: string;
  language?: string;
  threads?: number;
  diarizeAlongside: DiarizeAlongsideMode;
  temperature?: number;
  // commander reads a --no-* flag as the negation of "speech-threshold": true unless given a value.
  speechThreshold?: number | boolean;
  initialPrompt?: string;
  wordTimestamps?: boolean;
  channels?: boolean;
  hotwords?: string;
  customSpelling?: string;
  format: TranscriptFormat | 'whisper-json';
  output?: string;
  progress: boolean;
}

/** Whisper's own segments before diarization (with no_speech_prob and VAD regions): for debugging. */
const FORMATS = [...TRANSCRIPT_FORMATS, 'whisper-json'] as const;

type Stage = 'loading' | 'decoding' | 'transcribing' | 'diarizing' | 'combining';

/** Transcription dominates the time; diarization takes a share only when it runs. */
function stagePlan(diarizing: boolean): StagePlan<Stage> {
  const transcribed = diarizing ? 70 : 95;
  return {
    loading: [0, 2],
    decoding: [2, 5],
    transcribing: [5, transcribed],
    diarizing: [transcribed, 95],
    combining: [95, 100],
  };
}

/**
 * `transcribe FILE --model PATH [...]`: who said what in a local audio or video file, as the server
 * does it: decode (ffmpeg) -> transcribe (whisper.cpp, optional Silero VAD) -> diarize (pyannote
 * segmentation ONNX, when a segmentation model is given) -> words to speakers -> entries. Prints the
 * contract's JSON results or SRT/VTT/text/RTTM. A progress bar goes to stderr on a terminal only;
 * Ctrl-C aborts the native work cleanly.
 */
export function registerTranscribeCommand(program: Command): void {
  const command = program
    .command('transcribe')
    .description('Who said what in a local audio or video file (whisper.cpp + speaker diarization)')
    .argument('<file>', 'any audio or video file ffmpeg can decode')
    .option(
      '--model <path>',
      'ggml Whisper model (default: $WHISPER_MODEL_PATH, else the one installed under $MODELS_DIR)',
      configuredModelPath('WHISPER_MODEL_PATH'),
    )
    .option(
      '--vad-model <path>',
      'Silero VAD ggml model: skip silence (default: $VAD_MODEL_PATH)',
      configuredModelPath('VAD_MODEL_PATH'),
    )
    .option(
      '--segmentation-model <path>',
      'pyannote segmentation-3.0 ONNX model; without one every word is speaker 0 (default: $SEGMENTATION_MODEL_PATH)',
      configuredModelPath('SEGMENTATION_MODEL_PATH'),
    )
    .option(
      '--embedding-model <path>',
      'speaker-embedding ONNX model; without one the embedding-free linking runs (default: $EMBEDDING_MODEL_PATH)',
      configuredModelPath('EMBEDDING_MODEL_PATH'),
    )
    .option('--language <code>', 'Whisper language code; omit or "auto" to detect it')
    .option(
      '--threads <n>',
      'CPU threads; side by side, split between Whisper and diarization (default: the cores)',
      positiveInteger,
    )
    .addOption(
      new Option(
        '--diarize-alongside <mode>',
        'diarize while Whisper transcribes: auto (on a GPU or with 4+ threads), on, off',
      )
        .choices(DIARIZE_ALONGSIDE_MODES)
        .default('auto'),
    );
  addSpeakerOptions(command)
    .option('--word-timestamps', "add each entry's words with their times to the JSON")
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('json'))
    .option('--output <file>', 'write the result to FILE instead of stdout')
    .option('--temperature <t>', 'initial sampling temperature, 0 to 1', unitNumber)
    .option('--no-speech-threshold <p>', 'no-speech probability threshold, 0 to 1', unitNumber)
    .option('--initial-prompt <text>', 'text to condition the decoder on')
    .option(
      '--channels',
      'one speaker per audio channel (0 = left, 1 = right, ...): 2 to 8 channels, no diarization',
    )
    .option(
      '--hotwords <list>',
      'comma-separated words Whisper should expect, put in its prompt after the initial prompt',
    )
    .option(
      '--custom-spelling <json>',
      'JSON object {"spelling": ["word", ...]}: whole words written your way',
    )
    .option('--no-progress', 'no progress bar, even on a terminal')
    // One line per error, as every failure of the command prints.
    .showHelpAfterError(false)
    .action(async (file: string, options: TranscribeCommandOptions) => {
      const { text, warnings } = await transcribeFile(file, options);
      await writeOutput(text, options.output);
      writeWarnings(warnings);
    });
}

async function transcribeFile(
  file: string,
  options: TranscribeCommandOptions,
): Promise<{ text: string; warnings: string[] }> {
  const raw = options.format === 'whisper-json';
  const diarizing = !raw && !options.channels && Boolean(options.segmentationModel);
  checkOptions(options, diarizing);
  const hotwords = parseHotwords(options.hotwords);
  const customSpelling = parseCustomSpelling(options.customSpelling);
  await access(file, constants.R_OK).catch(() => {
    throw new Error(`cannot read ${file}: no such file or no permission`);
  });
  if (options.output) {
    const folder = path.dirname(options.output);
    await access(folder, constants.W_OK).catch(() => {
      throw new Error(`cannot write to ${folder}: no such folder or no permission`);
    });
  }

  const bar = new ProgressBar(process.stderr, options.progress ? {} : { enabled: false });
  const progress = new StageProgress(stagePlan(diarizing), bar);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  const signal = controller.signal;
  let model: WhisperModel | null = null;
  let diarizer: Diarizer | null = null;
  // The server's policy: --threads is the budget that Whisper and diarization share when side by side.
  const schedule = planStageSchedule(diarizing ? options.diarizeAlongside : 'off', {
    cores: options.threads ?? os.availableParallelism(),
    jobs: 1,
    whisperOnGpu: false,
    diarizationOnGpu: false,
  });
  try {
    progress.report('loading');
    model = await WhisperModel.load({ modelPath: options.model as string });
    if (diarizing) {
      diarizer = await Diarizer.create({
        segmentationModelPath: options.segmentationModel as string,
        embeddingModelPath: options.embeddingModel,
        threads: schedule.diarizationThreads,
      });
    }

    const transcript = await transcribeWhoSaidWhat(
      { filePath: file },
      {
        decoder: ffmpegAudioDecoder,
        speech: whisperEngine(model, {
          threads: schedule.whisperThreads,
          vad: options.vadModel ? { modelPath: options.vadModel } : null,
          wordTimestamps: raw ? Boolean(options.wordTimestamps) : true,
        }),
        diarization: diarizer,
      },
      {
        language: options.language ?? null,
        temperature: options.temperature,
        noSpeechThreshold: typeof options.speechThreshold === 'number' ? options.speechThreshold : undefined,
        initialPrompt: options.initialPrompt,
        speakers: speakerCountOptions(options),
        hotwords,
        customSpelling,
        channelDiarization: Boolean(options.channels),
        diarizeAlongside: schedule.diarizeAlongside,
      },
      {
        signal,
        onProgress: (stage, percent) => progress.report(stage, percent),
        // On a terminal, the text as whisper.cpp writes it, above the bar (speakers come at the end).
        onSegment: bar.enabled ? (segment) => bar.print(segmentLine(segment)) : undefined,
      },
    ).catch((error: unknown) => {
      throw error instanceof EmptyAudioError ? new Error(`${file} holds no audio to transcribe`) : error;
    });
    // Running without a segmentation model is the user's own choice here: no need to say so.
    const warnings = transcript.warnings.filter((warning) => warning !== NO_DIARIZATION_WARNING);
    if (raw) return { text: toWhisperJson(file, transcript, warnings), warnings };

    const { entries, turns } = numberTranscript(transcript);
    const text = renderTranscriptOutput(options.format as TranscriptFormat, {
      entries,
      turns,
      fileId: path.basename(file, path.extname(file)),
      wordTimestamps: Boolean(options.wordTimestamps),
    });
    progress.report('combining', 100);
    return { text, warnings };
  } finally {
    progress.clear();
    process.removeListener('SIGINT', onSignal);
    await diarizer?.close();
    await model?.close();
  }
}

function parseHotwords(list: string | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  const hotwords = list
    .split(',')
    .map((word) => word.trim())
    .filter((word) => word !== '');
  const problem = hotwordsProblem(hotwords);
  if (problem) throw new Error(`--hotwords: ${problem}`);
  return hotwords;
}

function parseCustomSpelling(json: string | undefined): CustomSpelling | undefined {
  if (json === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('--custom-spelling: not valid JSON (expected {"spelling": ["word", ...]})');
  }
  const problem = customSpellingProblem(value);
  if (problem) throw new Error(`--custom-spelling: ${problem}`);
  return value as CustomSpelling;
}

/** Everything that can be checked before the models load, so that a typo fails at once. */
function checkOptions(options: TranscribeCommandOptions, diarizing: boolean): void {
  if (!options.model) {
    throw new Error('--model is required (or set WHISPER_MODEL_PATH, or install one under MODELS_DIR)');
  }
  const language = options.language?.trim().toLowerCase();
  if (language !== undefined && !isAutoLanguage(language) && !isWhisperLanguage(language)) {
    throw new Error(
      `unknown language code "${options.language}": expected a Whisper code such as en, ko, de`,
    );
  }
  speakerCountOptions(options);
  if (options.channels && hasSpeakerOptions(options)) {
    throw new Error(
      '--channels gives one speaker per channel: --speakers, --min-speakers and --max-speakers do not apply',
    );
  }
  if (!options.channels && !diarizing && hasSpeakerOptions(options) && options.format !== 'whisper-json') {
    throw new Error(
      '--speakers, --min-speakers and --max-speakers need a segmentation model ' +
        '(--segmentation-model or SEGMENTATION_MODEL_PATH)',
    );
  }
}

/** whisper.cpp with the CLI's own settings, as the pipeline's speech engine. */
function whisperEngine(
  model: WhisperModel,
  settings: { threads?: number; vad: VadOptions | null; wordTimestamps: boolean },
): SpeechEngine {
  return { transcribe: (samples, request) => model.transcribe(samples, { ...request, ...settings }) };
}

function toWhisperJson(file: string, result: Transcript, warnings: string[]): string {
  const body = {
    file: path.basename(file),
    duration: Math.round(result.durationSeconds * 1000) / 1000,
    language: result.language,
    segments: result.segments.map((segment) => ({
      start: segment.start,
      end: segment.end,
      text: segment.text,
      no_speech_prob: Math.round(segment.noSpeechProb * 1e4) / 1e4,
      avg_logprob: Math.round((segment.avgLogprob ?? 0) * 1e4) / 1e4,
      words: segment.words.map((word) => ({
        word: word.word,
        start: word.start,
        end: word.end,
        probability: Math.round(word.probability * 1e4) / 1e4,
      })),
    })),
    speech_regions: result.speechRegions,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
