import { Controller, Get, Param, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { Owner } from '../auth/current-user.decorator';
import { ErrorBodyDto } from '../common/error-body.dto';
import { EventStream, HEARTBEAT_MS } from './event-stream';
import { ResultEventsService, STREAM_MAX_MS } from './result-events.service';

const EXAMPLE = [
  'event: pending',
  'data: {"status":"pending"}',
  '',
  'event: progress',
  'data: {"status":"processing","info":"transcribing","progress":42}',
  '',
  'event: segment',
  'data: {"index":0,"start":0,"end":2.5,"text":"Hello there."}',
  '',
  'event: completed',
  'data: {"status":"completed","results":[{"speaker":0,"start":0,"end":2.5,"text":"Hello there."}]}',
  '',
].join('\n');

@ApiTags('transcription')
@ApiBearerAuth()
@Controller()
export class ResultEventsController {
  constructor(private readonly events: ResultEventsService) {}

  @Get('result/:task_id/events')
  @UseGuards(ApiAuthGuard)
  @ApiOperation({
    summary: "A task's progress, its text as it is transcribed, then its result (server-sent events)",
    description:
      'A text/event-stream, with the same auth and owner rules as GET /result/{task_id}. Events: ' +
      "`pending` (waiting; also unknown ids and other users' tasks), `progress` (data: the processing " +
      'answer of GET /result: {status, info: stage, progress: percent}), `segment` (each Whisper ' +
      'segment as soon as it is transcribed: {index, start, end, text}; no speakers yet; a stream ' +
      'opened mid-task first gets the segments so far), then one `completed` or `failed` event whose ' +
      'data is exactly the GET /result body, and the stream ends. That final event counts as delivery ' +
      'as GET /result does: the result is deleted once the event was completely written; a stream ' +
      `dropped before it loses nothing. A comment line every ${HEARTBEAT_MS / 1000} s keeps proxies ` +
      `from closing an idle stream; after ${STREAM_MAX_MS / 60_000} minutes without an end the stream ` +
      'closes and the client reconnects (retry: 2000). Browsers: EventSource cannot send the ' +
      'Authorization header, so read it with fetch() (as the page at / does).',
  })
  @ApiParam({ name: 'task_id', description: 'The id POST /transcribe or POST /diarize returned' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'The event stream',
    content: { 'text/event-stream': { schema: { type: 'string', example: EXAMPLE } } },
  })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Missing or invalid token' })
  async stream(
    @Param('task_id') taskId: string,
    @Owner() owner: string,
    @Res() response: Response,
  ): Promise<void> {
    await this.events.follow(taskId, owner, new EventStream(response));
  }
}
