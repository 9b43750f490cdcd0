import path from 'node:path';
import { type Command, InvalidArgumentError as CommanderArgumentError } from 'commander';
import { decodeToPcm } from '../../../libs/audio';
import { WhisperModel, type Transcription } from '../../../libs/speech';

interface TranscribeCommandOptions {
  model?: string;
  language?: string;
  threads?: number;
  vadModel?: string;
  temperature?: number;
  // commander reads a --no-* flag as the negation of "speech-threshold": true unless given a value.
  speechThreshold?: number | boolean;
  initialPrompt?: string;
  words: boolean;
  format: string;
  progress?: boolean;
}

const FORMATS = ['json', 'txt'];

/**
 * `transcribe FILE --model PATH [--language xx] [--threads N] [--vad-model PATH] [--format json|txt]`:
 * decodes FILE with ffmpeg to 16 kHz mono PCM and prints the transcription. JSON is
 * {file, duration, language, segments: [{start, end, text, no_speech_prob, words}], speech_regions}.
 * Ctrl-C aborts the native work cleanly.
 */
export function registerTranscribeCommand(program: Command): void {
  program
    .command('transcribe')
    .description('Transcribe a local audio or video file with whisper.cpp (segments with word times)')
    .argument('<file>', 'any audio or video file ffmpeg can decode')
    .option(
      '--model <path>',
      'ggml Whisper model (default: $WHISPER_MODEL_PATH)',
      process.env.WHISPER_MODEL_PATH,
    )
    .option('--language <code>', 'Whisper language code; omit or "auto" to detect it')
    .option('--threads <n>', 'CPU threads (default: min(4, cores))', positiveInteger)
    .option(
      '--vad-model <path>',
      'Silero VAD ggml model: skip silence (default: $VAD_MODEL_PATH)',
      process.env.VAD_MODEL_PATH || undefined,
    )
    .option('--temperature <t>', 'initial sampling temperature, 0 to 1', unitNumber)
    .option('--no-speech-threshold <p>', 'no-speech probability threshold, 0 to 1', unitNumber)
    .option('--initial-prompt <text>', 'text to condition the decoder on')
    .option('--no-words', 'leave out word-level timestamps')
    .option('--format <format>', FORMATS.join(' or '), 'json')
    .option('--progress', 'print progress percentages to stderr')
    .action(async (file: string, options: TranscribeCommandOptions) => {
      if (!options.model) throw new Error('--model is required (or set WHISPER_MODEL_PATH)');
      if (!FORMATS.includes(options.format)) {
        throw new Error(`--format must be ${FORMATS.join(' or ')} (got "${options.format}")`);
      }
      const controller = new AbortController();
      const onSignal = (): void => controller.abort(new Error('interrupted'));
      process.once('SIGINT', onSignal);
      const model = await WhisperModel.load({ modelPath: options.model });
      try {
        const samples = await decodeToPcm(file, { signal: controller.signal });
        const result = await model.transcribe(samples, {
          language: options.language ?? null,
          threads: options.threads,
          temperature: options.temperature,
          noSpeechThreshold:
            typeof options.speechThreshold === 'number' ? options.speechThreshold : undefined,
          initialPrompt: options.initialPrompt,
          wordTimestamps: options.words,
          vad: options.vadModel ? { modelPath: options.vadModel } : null,
          signal: controller.signal,
          onProgress: options.progress ? (p) => process.stderr.write(`progress ${p}%\n`) : undefined,
        });
        const duration = samples.length / 16000;
        process.stdout.write(options.format === 'txt' ? toText(result) : toJson(file, duration, result));
      } finally {
        process.removeListener('SIGINT', onSignal);
        await model.close();
      }
    });
}

function toJson(file: string, duration: number, result: Transcription): string {
  const body = {
    file: path.basename(file),
    duration: Math.round(duration * 1000) / 1000,
    language: result.language,
    segments: result.segments.map((segment) => ({
      start: segment.start,
      end: segment.end,
      text: segment.text,
      no_speech_prob: Math.round(segment.noSpeechProb * 1e4) / 1e4,
      words: segment.words.map((word) => ({
        word: word.word,
        start: word.start,
        end: word.end,
        probability: Math.round(word.probability * 1e4) / 1e4,
      })),
    })),
    speech_regions: result.speechRegions,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function toText(result: Transcription): string {
  return result.segments.map((segment) => `${segment.text}\n`).join('');
}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || parsed < 1)
    throw new CommanderArgumentError('expected a whole number of at least 1');
  return parsed;
}

function unitNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new CommanderArgumentError('expected a number from 0 to 1');
  }
  return parsed;
}
