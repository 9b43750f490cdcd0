import type { JobData } from '../jobs/job-catalogue';
import type { TaskFacts } from './task-index.repository';

/** A job's facts for its listing record; `createdAt` is now when queueing, Bull's timestamp later. */
export function taskFactsOf(job: JobData, createdAt = Date.now()): TaskFacts {
  return {
    taskId: job.taskId,
    owner: job.owner,
    kind: job.kind,
    fileName: job.originalName ?? null,
    createdAt,
  };
}
