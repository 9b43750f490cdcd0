import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { Owner } from '../auth/current-user.decorator';
import { ErrorBodyDto } from '../common/error-body.dto';
import { TaskListQueryDto } from './dto/task-list-query.dto';
import { TaskListDto } from './dto/task-list.dto';
import { TasksService } from './tasks.service';

@ApiTags('transcription')
@ApiBearerAuth()
@Controller()
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get('tasks')
  @UseGuards(ApiAuthGuard)
  @ApiOperation({
    summary: "The caller's own tasks, newest first",
    description:
      'Each task of this token subject with its status, stage, times, file name and audio length; ' +
      "never a result (GET /result delivers that, once) and never another subject's task. A task " +
      'is listed until its retention ends (RESULT_TTL_MS or delete_after after it ended), delivered ' +
      'or not; DELETE /result removes a finished one and lists a queued or running one as ' +
      'cancelled. Pages follow `next_cursor`; `status` filters.',
  })
  @ApiOkResponse({ type: TaskListDto })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'Unknown status, limit out of range, or a bad cursor',
  })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Missing or invalid token' })
  list(@Owner() owner: string, @Query() query: TaskListQueryDto): Promise<TaskListDto> {
    return this.tasks.list(owner, query);
  }
}
