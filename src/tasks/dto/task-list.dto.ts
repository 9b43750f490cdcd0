import { ApiProperty } from '@nestjs/swagger';
import { STAGES, type Stage } from '../../jobs/job-catalogue';
import { TASK_STATUSES, type TaskStatus } from '../task-status';

const TIME = { type: 'string', format: 'date-time', nullable: true } as const;

/** One task as GET /tasks lists it: what and when, never a result body. */
export class TaskSummaryDto {
  @ApiProperty({ example: '0b5f6a2e-3c1d-4e8f-9a7b-2c4d6e8f0a1b' }) task_id!: string;
  @ApiProperty({ enum: ['transcribe', 'diarize'], description: 'The route that queued it' }) kind!: string;
  @ApiProperty({ enum: TASK_STATUSES, example: 'completed' }) status!: TaskStatus;
  @ApiProperty({
    enum: STAGES,
    nullable: true,
    description: "A processing task's stage (GET /result's info); null otherwise",
  })
  stage!: Stage | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: 100,
    description: 'Percent, while processing',
  })
  progress!: number | null;
  @ApiProperty({ type: 'string', format: 'date-time', example: '2026-11-29T12:00:00.000Z' })
  created_at!: string;
  @ApiProperty({ ...TIME, description: 'When a worker took it' }) started_at!: string | null;
  @ApiProperty({ ...TIME, description: 'When it completed, failed or was cancelled' }) finished_at!:
    string | null;
  @ApiProperty({ ...TIME, description: 'When GET /result delivered its result (then deleted)' })
  delivered_at!: string | null;
  @ApiProperty({
    ...TIME,
    description:
      'When the task (and its result, if undelivered) is deleted: RESULT_TTL_MS or delete_after after it ended',
  })
  expires_at!: string | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'meeting.mp4',
    description: "The upload's file name",
  })
  file_name!: string | null;
  @ApiProperty({
    type: 'number',
    nullable: true,
    example: 1834.2,
    description: 'Length of the decoded audio',
  })
  audio_seconds!: number | null;
}

export class TaskListDto {
  @ApiProperty({ type: [TaskSummaryDto], description: 'Newest first' }) tasks!: TaskSummaryDto[];
  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  next_cursor!: string | null;
}
