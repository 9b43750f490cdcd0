/** The body the server POSTs when a job ends: which task, and how it ended. */
export interface TaskWebhookPayload {
  /** `task.completed` or `task.failed`, so receivers can route without reading further. */
  event: `task.${TaskOutcome}`;
  task_id: string;
  status: TaskOutcome;
  /** Only for `failed`: the same message GET /result answers. */
  error?: string;
  /** When the job ended, ISO 8601 UTC. */
  finished_at: string;
}

export type TaskOutcome = 'completed' | 'failed';

/**
 * The payload for a finished job. It carries no transcript: the receiver fetches that from GET /result with
 * its own credentials, which keeps the one-time delivery rule intact and keeps content out of webhook logs.
 */
export function taskWebhookPayload(
  taskId: string,
  status: TaskOutcome,
  error?: string,
  finishedAt: Date = new Date(),
): TaskWebhookPayload {
  return {
    event: `task.${status}`,
    task_id: taskId,
    status,
    ...(status === 'failed' && error !== undefined ? { error } : {}),
    finished_at: finishedAt.toISOString(),
  };
}
