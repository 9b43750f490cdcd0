import { Injectable } from '@nestjs/common';
import { isJobProgress } from '../jobs/job-catalogue';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import type { TaskListQueryDto } from './dto/task-list-query.dto';
import type { TaskListDto, TaskSummaryDto } from './dto/task-list.dto';
import { decodeCursor, encodeCursor } from './task-cursor';
import { TaskIndex, type TaskRecord } from './task-index.repository';

/** GET /tasks: a page of the owner's task records, processing ones with their live stage. */
@Injectable()
export class TasksService {
  constructor(
    private readonly index: TaskIndex,
    private readonly queue: TranscriptionQueueRepository,
  ) {}

  async list(owner: string, query: TaskListQueryDto): Promise<TaskListDto> {
    const page = await this.index.page(owner, {
      status: query.status,
      limit: query.limit,
      cursor: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    const tasks = await Promise.all(page.tasks.map((task) => this.summary(task)));
    return { tasks, next_cursor: page.next ? encodeCursor(page.next) : null };
  }

  private async summary(task: TaskRecord): Promise<TaskSummaryDto> {
    let stage: TaskSummaryDto['stage'] = null;
    let progress: number | null = null;
    if (task.status === 'processing') {
      // The stage lives in the job's progress, as for GET /result (one pipelined read per task).
      const queued = await this.queue.lookup(task.taskId);
      const live = queued.kind === 'active' && isJobProgress(queued.progress) ? queued.progress : null;
      stage = live?.stage ?? 'initializing';
      progress = live?.percent ?? 0;
    }
    return {
      task_id: task.taskId,
      kind: task.kind,
      status: task.status,
      stage,
      progress,
      created_at: iso(task.createdAt),
      started_at: isoOrNull(task.startedAt),
      finished_at: isoOrNull(task.finishedAt),
      delivered_at: isoOrNull(task.deliveredAt),
      expires_at: isoOrNull(task.expiresAt),
      file_name: task.fileName,
      audio_seconds: task.audioSeconds,
    };
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
