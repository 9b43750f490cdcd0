import { BadRequestException, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { JobData } from '../jobs/job-catalogue';

/**
 * How long a queued task may wait for a worker before its record is dropped from the list (a
 * worker that takes it later writes it again): far beyond any healthy queue.
 */
const QUEUE_WAIT_ALLOWANCE_MS = 24 * 60 * 60 * 1000;

/**
 * Retention: a finished task's result and record live RESULT_TTL_MS, or `delete_after` seconds
 * when the client asked for less; both count from the job's end, as RESULT_TTL_MS always has.
 */
@Injectable()
export class TaskRetention {
  constructor(private readonly config: AppConfig) {}

  get maxDeleteAfterSeconds(): number {
    return Math.floor(this.config.results.ttlMs / 1000);
  }

  /** delete_after (seconds, already a whole number >= 1) as a retention; a 400 above RESULT_TTL_MS. */
  fromDeleteAfter(seconds: number | undefined): number | undefined {
    if (seconds === undefined) return undefined;
    if (seconds > this.maxDeleteAfterSeconds) {
      const message =
        `delete_after must be at most ${this.maxDeleteAfterSeconds} seconds ` +
        '(this server keeps results no longer: RESULT_TTL_MS)';
      throw new BadRequestException({ detail: message, errors: { delete_after: [message] } });
    }
    return seconds * 1000;
  }

  /** How long the job's result and record are kept once it has ended. */
  of(job: Pick<JobData, 'retentionMs'>): number {
    return job.retentionMs ?? this.config.results.ttlMs;
  }

  /** A bound on the life of a record whose task has not finished: waiting, running, then kept. */
  unfinished(job: Pick<JobData, 'retentionMs'>): number {
    return QUEUE_WAIT_ALLOWANCE_MS + this.config.jobs.timeoutMs + this.of(job);
  }
}
