import { BadRequestException } from '@nestjs/common';
import { resolveSpeakerBounds, type SpeakerCountOptions } from '../../libs/diarization';

/** The speaker fields of a form, as sent. */
export interface SpeakerFields {
  speakerCount?: number;
  minSpeakers?: number;
  maxSpeakers?: number;
  /** Whether the client sent speaker_count itself (POST /transcribe's DTO defaults it to 2). */
  speakerCountGiven: boolean;
  /** The count when no field is sent: the contract's 2 on /transcribe; null (automatic) on /diarize. */
  defaultCount: number | null;
}

/** The library's option names as the forms call them, for its messages. */
const FIELD_NAMES: ReadonlyArray<[string, string]> = [
  ['numSpeakers', 'speaker_count'],
  ['minSpeakers', 'min_speakers'],
  ['maxSpeakers', 'max_speakers'],
];

/**
 * What the client asked for: speaker_count, when sent, is the exact count; min/max alone make the
 * count automatic within them; none, the default. Whether they contradict each other is the
 * diarization library's rule (resolveSpeakerBounds), so that server, CLI and library agree; a
 * contradiction is a 400 on the field that breaks it.
 */
export function resolveSpeakerFields(fields: SpeakerFields): SpeakerCountOptions {
  const bounds = { minSpeakers: fields.minSpeakers, maxSpeakers: fields.maxSpeakers };
  check('min_speakers', bounds);
  if (fields.speakerCountGiven && fields.speakerCount !== undefined) {
    const exact = { numSpeakers: fields.speakerCount, ...bounds };
    check('speaker_count', exact);
    return exact;
  }
  if (fields.minSpeakers !== undefined || fields.maxSpeakers !== undefined) {
    return { numSpeakers: null, ...bounds };
  }
  return { numSpeakers: fields.defaultCount };
}

function check(field: string, options: SpeakerCountOptions): void {
  try {
    resolveSpeakerBounds(options);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const message = FIELD_NAMES.reduce((text, [name, formName]) => text.replaceAll(name, formName), raw);
    // The same body as a field validation error, so that clients handle both alike.
    throw new BadRequestException({ detail: message, errors: { [field]: [message] } });
  }
}

/** The speaker fields of a multipart form (speaker_count, min_speakers, max_speakers). */
export function speakerFieldsOf(
  form: { speaker_count?: number; min_speakers?: number; max_speakers?: number },
  speakerCountGiven: boolean,
  defaultCount: number | null,
): SpeakerFields {
  return {
    speakerCount: form.speaker_count,
    minSpeakers: form.min_speakers,
    maxSpeakers: form.max_speakers,
    speakerCountGiven,
    defaultCount,
  };
}
