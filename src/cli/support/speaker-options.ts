import type { Command } from 'commander';
import { resolveSpeakerBounds } from '../../../libs/diarization';
import { positiveInteger } from './option-parsers';

/** What Diarizer.diarize takes. */
export interface SpeakerCounts {
  numSpeakers?: number;
  minSpeakers?: number;
  maxSpeakers?: number;
}

export interface SpeakerOptionValues {
  speakers?: number;
  minSpeakers?: number;
  maxSpeakers?: number;
}

/** The library's option names as a command line user types them, for its error messages. */
const FLAG_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/\bnumSpeakers\b/g, '--speakers'],
  [/\bminSpeakers\b/g, '--min-speakers'],
  [/\bmaxSpeakers\b/g, '--max-speakers'],
];

/** Adds --speakers, --min-speakers and --max-speakers, with the precedence in their help. */
export function addSpeakerOptions(command: Command): Command {
  return command
    .option('--speakers <n>', 'exact number of speakers (wins over --min/--max-speakers)', positiveInteger)
    .option('--min-speakers <n>', 'fewest speakers for the automatic count', positiveInteger)
    .option('--max-speakers <n>', 'most speakers for the automatic count', positiveInteger);
}

/**
 * The diarizer's speaker-count options, checked by the diarization library's own rules (an exact count
 * wins; min/max bound the automatic count; min > max, or an exact count outside given bounds, is an
 * error) so that the CLI and the library can never disagree. Errors name the command line flags.
 */
export function speakerCountOptions(values: SpeakerOptionValues): SpeakerCounts {
  const options: SpeakerCounts = {
    numSpeakers: values.speakers,
    minSpeakers: values.minSpeakers,
    maxSpeakers: values.maxSpeakers,
  };
  try {
    resolveSpeakerBounds(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(FLAG_NAMES.reduce((text, [name, flag]) => text.replace(name, flag), message));
  }
  return options;
}

export function hasSpeakerOptions(values: SpeakerOptionValues): boolean {
  return (
    values.speakers !== undefined || values.minSpeakers !== undefined || values.maxSpeakers !== undefined
  );
}
