import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TASK_STATUSES, type TaskStatus } from '../task-status';

export const DEFAULT_TASK_PAGE_SIZE = 20;
export const MAX_TASK_PAGE_SIZE = 100;

const blankToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** GET /tasks's query: a status filter, a page size and where the previous page ended. */
export class TaskListQueryDto {
  @ApiPropertyOptional({
    enum: TASK_STATUSES,
    default: null,
    example: 'completed',
    description: 'Only tasks of this status; absent: all',
  })
  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(TASK_STATUSES, { message: `status must be one of ${TASK_STATUSES.join(', ')}` })
  status?: TaskStatus;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_TASK_PAGE_SIZE,
    default: DEFAULT_TASK_PAGE_SIZE,
    example: 50,
    description: 'Tasks per page',
  })
  @Transform(({ value }: { value: unknown }) => {
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) {
      return DEFAULT_TASK_PAGE_SIZE;
    }
    return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  })
  @Max(MAX_TASK_PAGE_SIZE, { message: `limit must be at most ${MAX_TASK_PAGE_SIZE}` })
  @Min(1, { message: 'limit must be at least 1' })
  @IsInt({ message: 'limit must be a whole number' })
  limit: number = DEFAULT_TASK_PAGE_SIZE;

  @ApiPropertyOptional({
    type: 'string',
    default: null,
    example: 'MTc2NDQ0MDAwMDAwMC4wYjVmNmEyZS0zYzFkLTRlOGYtOWE3Yi0yYzRkNmU4ZjBhMWI',
    description: "The previous page's next_cursor; absent: the newest tasks",
  })
  @Transform(blankToUndefined)
  @IsOptional()
  @MaxLength(128, { message: 'cursor must be a next_cursor value returned by GET /tasks' })
  @IsString({ message: 'cursor must be a next_cursor value returned by GET /tasks' })
  cursor?: string;
}
