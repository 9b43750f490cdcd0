import type { CallbackAuthHeader } from '../../libs/webhooks';
import type { CustomSpelling } from '../../libs/pipeline';
import type { JobData, WhisperParams } from './job-catalogue';
import { resolveSpeakerFields, type SpeakerFields } from './speaker-fields';

interface RequestBase {
  owner: string;
  upload: { taskId: string; filePath: string; originalName?: string };
  /** Already accepted by the callback policy. */
  callback?: { url: string; authHeader?: CallbackAuthHeader };
  speakers: SpeakerFields;
  /** delete_after, already checked against RESULT_TTL_MS (see TaskRetention). */
  retentionMs?: number;
  /** One speaker per audio channel (the channel count was checked at upload). */
  channelDiarization?: boolean;
}

export type JobRequest =
  | (RequestBase & {
      kind: 'transcribe';
      whisper: Partial<WhisperParams>;
      wordTimestamps?: boolean;
      customSpelling?: CustomSpelling;
    })
  | (RequestBase & { kind: 'diarize' });

/** Whisper's defaults where a route leaves a parameter out (the contract's own, but for the prompt). */
const WHISPER_DEFAULTS: WhisperParams = {
  language: null,
  temperature: 0,
  noSpeechThreshold: 0.6,
  initialPrompt: '',
};

/** The one way a route turns its request into a job: speaker precedence and defaults decided here. */
export function buildJob(request: JobRequest): JobData {
  const base = {
    taskId: request.upload.taskId,
    owner: request.owner,
    filePath: request.upload.filePath,
    ...(request.callback === undefined ? {} : { callbackUrl: request.callback.url }),
    ...(request.callback?.authHeader === undefined
      ? {}
      : { callbackAuthHeader: request.callback.authHeader }),
    speakers: resolveSpeakerFields(request.speakers),
    ...(request.upload.originalName ? { originalName: request.upload.originalName.slice(0, 255) } : {}),
    ...(request.retentionMs === undefined ? {} : { retentionMs: request.retentionMs }),
    // Additions appear in the payload only when asked for: other jobs stay as they were.
    ...(request.channelDiarization ? { channelDiarization: true } : {}),
  };
  switch (request.kind) {
    case 'diarize':
      return { ...base, kind: 'diarize' };
    case 'transcribe':
      return {
        ...base,
        kind: 'transcribe',
        whisper: { ...WHISPER_DEFAULTS, ...definedOnly(request.whisper) },
        wordTimestamps: request.wordTimestamps === true,
        ...(hasEntries(request.customSpelling) ? { customSpelling: request.customSpelling } : {}),
      };
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(
      ([, field]) => field !== undefined && !(Array.isArray(field) && field.length === 0),
    ),
  ) as Partial<T>;
}

function hasEntries(spelling: CustomSpelling | undefined): spelling is CustomSpelling {
  return spelling !== undefined && Object.keys(spelling).length > 0;
}
