import type { NewSegment } from '../../libs/speech';
import type { JobProgress } from '../jobs/job-catalogue';

/** A Whisper segment of a running task, numbered from 0 in the order whisper.cpp emitted it. */
export interface SegmentEvent extends NewSegment {
  index: number;
}

/** What a worker announces while a task runs (its result is announced on the result-stored channel). */
export type TaskEvent =
  { type: 'progress'; progress: JobProgress } | { type: 'segment'; segment: SegmentEvent };

/** "<task id>\n<json>": a listener reads the id and parses only the events of tasks it follows. */
export function encodeTaskEvent(taskId: string, event: TaskEvent): string {
  return `${taskId}\n${JSON.stringify(event)}`;
}

export function splitTaskEvent(message: string): { taskId: string; json: string } | null {
  const newline = message.indexOf('\n');
  return newline < 0 ? null : { taskId: message.slice(0, newline), json: message.slice(newline + 1) };
}
