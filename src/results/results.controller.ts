import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { Owner } from '../auth/current-user.decorator';
import { ErrorBodyDto } from '../common/error-body.dto';
import { RESULT_RESPONSE_SCHEMA } from './dto/result-response.schema';
import { ResultsService } from './results.service';

@ApiTags('transcription')
@ApiBearerAuth()
@Controller()
export class ResultsController {
  constructor(private readonly results: ResultsService) {}

  @Get('result/:task_id')
  @UseGuards(ApiAuthGuard)
  @ApiOperation({
    summary: "A task's state, or its result (delivered once)",
    description:
      'A completed or failed result is deleted once this response has been completely written; asking ' +
      "again then answers pending, as do unknown ids and other users' tasks. An unread result expires " +
      'after RESULT_TTL_MS (3 hours by default).',
  })
  @ApiParam({ name: 'task_id', description: 'The id POST /transcribe returned' })
  @ApiOkResponse({ schema: RESULT_RESPONSE_SCHEMA, description: 'One of four shapes, by status' })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Missing or invalid token' })
  async result(
    @Param('task_id') taskId: string,
    @Owner() owner: string,
    @Res() response: Response,
  ): Promise<void> {
    const answer = await this.results.answer(taskId, owner);
    const { onDelivered } = answer;
    if (onDelivered) {
      // 'finish' means the whole body went to the OS, but Node emits it even after the peer reset
      // the connection mid-body; the socket (captured now: it is detached by then) tells them apart.
      const socket = response.socket;
      response.once('finish', () => {
        if (socket && !socket.errored && !socket.destroyed) void onDelivered();
      });
    }
    response.status(200).setHeader('Cache-Control', 'no-store');
    response.type('application/json').send(answer.json);
  }
}
