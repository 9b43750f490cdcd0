/**
 * A task's status as GET /tasks lists it. `queued` and `processing` are the contract's `pending` and
 * `processing` told apart from unknown ids; `completed` and `failed` stay so after the result was
 * delivered (`delivered_at` says when); `cancelled`: stopped by DELETE /result before it finished.
 */
export const TASK_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const FINAL_TASK_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled'];

export function isTaskStatus(value: unknown): value is TaskStatus {
  return typeof value === 'string' && (TASK_STATUSES as readonly string[]).includes(value);
}
