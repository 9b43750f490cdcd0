import { channelSpeakerNumbers, toResultEntries, toTurnEntries } from '../../libs/pipeline';
import type { StoredRecord } from '../jobs/job-record';
import type { FinishedBody } from './result-types';

/** GET /result's body for a finished job, exactly as the contract shapes it. */
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
      };
    case 'speaker-turns':
      return {
        status: 'completed',
        results: toTurnEntries(record.exclusiveTurns, channelSpeakerNumbers(record)),
      };
  }
}
