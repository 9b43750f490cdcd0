import { BadRequestException } from '@nestjs/common';
import { isTaskId } from '../jobs/task-id';
import type { TaskCursor } from './task-index.repository';

/** A page's end as the client carries it: opaque, base64url of "<creation ms>.<task id>". */
export function encodeCursor(cursor: TaskCursor): string {
  return Buffer.from(`${cursor.createdAt}.${cursor.taskId}`, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): TaskCursor {
  const match = /^(\d{1,16})\.(.+)$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match || !isTaskId(match[2])) {
    const message = 'cursor must be a next_cursor value returned by GET /tasks';
    throw new BadRequestException({ detail: message, errors: { cursor: [message] } });
  }
  return { createdAt: match[1], taskId: match[2] };
}
