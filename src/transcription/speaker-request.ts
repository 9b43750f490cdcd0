import { BadRequestException } from '@nestjs/common';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { TranscriptionParams } from '../jobs/job-catalogue';

export type SpeakerParams = Pick<TranscriptionParams, 'speakerCount' | 'minSpeakers' | 'maxSpeakers'>;

/**
 * Whether the multipart form carried a non-blank field, read before validation fills in defaults:
 * POST /transcribe's speaker_count defaults to 2, and an explicit 2 must be told from that default.
 */
export const FormFieldGiven = createParamDecorator((field: string, context: ExecutionContext): boolean => {
  const body = context.switchToHttp().getRequest<{ body?: Record<string, unknown> }>().body;
  const value = body?.[field];
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
});

/**
 * The precedence of the speaker fields:
 * - speaker_count given: it is the exact count; min/max, if given, must allow it (else 400);
 * - only min/max given: the count is automatic within them;
 * - none given: `defaultCount` (the contract's 2 on /transcribe; null, automatic, on /diarize).
 * min_speakers > max_speakers is a 400.
 */
export function resolveSpeakerParams(
  fields: { speakerCount?: number; minSpeakers?: number; maxSpeakers?: number },
  speakerCountGiven: boolean,
  defaultCount: number | null,
): SpeakerParams {
  const { minSpeakers, maxSpeakers } = fields;
  if (minSpeakers !== undefined && maxSpeakers !== undefined && minSpeakers > maxSpeakers) {
    throw contradiction(
      'min_speakers',
      `min_speakers (${minSpeakers}) is greater than max_speakers (${maxSpeakers})`,
    );
  }
  if (speakerCountGiven && fields.speakerCount !== undefined) {
    const exact = fields.speakerCount;
    if (minSpeakers !== undefined && exact < minSpeakers) {
      throw contradiction(
        'speaker_count',
        `speaker_count (${exact}) is less than min_speakers (${minSpeakers})`,
      );
    }
    if (maxSpeakers !== undefined && exact > maxSpeakers) {
      throw contradiction(
        'speaker_count',
        `speaker_count (${exact}) is greater than max_speakers (${maxSpeakers})`,
      );
    }
    return { speakerCount: exact, minSpeakers, maxSpeakers };
  }
  if (minSpeakers !== undefined || maxSpeakers !== undefined) {
    return { speakerCount: null, minSpeakers, maxSpeakers };
  }
  return { speakerCount: defaultCount };
}

/** The same body as a field validation error, so that clients handle both alike. */
function contradiction(field: string, message: string): BadRequestException {
  return new BadRequestException({ detail: message, errors: { [field]: [message] } });
}
