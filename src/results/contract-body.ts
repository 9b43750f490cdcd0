import { channelSpeakerNumbers, toResultEntries, toTurnEntries } from '../../libs/pipeline';
import type { StoredRecord } from '../jobs/job-record';
import type { FinishedBody } from './result-types';

/**
 * GET /result's body for a finished job, exactly as the contract shapes it, plus `warnings` where
 * there are any: a whole decode answers exactly the old shape.
 */
export function contractBody(record: StoredRecord): FinishedBody {
  switch (record.kind) {
    case 'legacy':
      return record.status === 'failed'
        ? { status: 'failed', error: record.error }
        : { status: 'completed', results: record.results };
    case 'failure':
      return { status: 'failed', error: record.message };
    case 'transcript':
      return {
        status: 'completed',
        results: toResultEntries(record.transcript.utterances, {
          words: record.wordTimestamps,
          speakerNumbers: channelSpeakerNumbers(record.transcript),
        }).entries,
        ...warningsField(record.transcript.warnings),
      };
    case 'speaker-turns':
      return {
        status: 'completed',
        results: toTurnEntries(record.exclusiveTurns, channelSpeakerNumbers(record)),
        ...warningsField(record.warnings),
      };
  }
}

/** `{ warnings }` when there are any, else nothing: old clients see no new key on a whole result. */
export function warningsField(warnings: readonly string[] | undefined): { warnings?: string[] } {
  return warnings && warnings.length > 0 ? { warnings: [...warnings] } : {};
}
