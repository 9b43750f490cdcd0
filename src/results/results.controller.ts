import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { Owner } from '../auth/current-user.decorator';
import { ErrorBodyDto } from '../common/error-body.dto';
import { CancelledResponseDto, RESULT_RESPONSE_DTOS } from './dto/result-response.dto';
import { type ResultFormat, ResultsService } from './results.service';

const RESULT_FORMATS: readonly ResultFormat[] = ['json', 'srt', 'vtt', 'txt', 'rttm'];
/** On a delivered result: when it would have expired undelivered (ISO 8601, UTC). */
export const RESULT_EXPIRES_HEADER = 'X-Result-Expires-At';
/** The longest a GET /result may be held: below the usual 60 s idle timeout of proxies. */
export const MAX_WAIT_SECONDS = 30;

function parseFormat(value: unknown): ResultFormat {
  if (value === undefined || value === '') return 'json';
  const format = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!(RESULT_FORMATS as readonly string[]).includes(format)) {
    throw new BadRequestException(`format must be one of ${RESULT_FORMATS.join(', ')}`);
  }
  return format as ResultFormat;
}

/**
 * `wait` (seconds, 0 to MAX_WAIT_SECONDS, fractions allowed; absent or 0: answer at once). A held
 * request stops waiting when its client goes away: before the response is sent, 'close' means that.
 */
function waitOption(value: unknown, response: Response): { ms: number; signal: AbortSignal } | undefined {
  if (value === undefined || value === '') return undefined;
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > MAX_WAIT_SECONDS) {
    throw new BadRequestException(`wait must be a number of seconds from 0 to ${MAX_WAIT_SECONDS}`);
  }
  if (seconds === 0) return undefined;
  const gone = new AbortController();
  response.once('close', () => gone.abort());
  return { ms: Math.round(seconds * 1000), signal: gone.signal };
}

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
      'after RESULT_TTL_MS (3 hours by default). `format` chooses how a completed result is delivered ' +
      '(delivered once, whatever the format): json (the contract shape, default), srt and vtt ' +
      '(subtitles with the speaker, cut at speaker changes and at 7 s / 2 lines of 42 characters), ' +
      'txt (one paragraph per speaker turn), rttm (10-field SPEAKER lines). The pending, processing ' +
      'and failed answers are always JSON, whatever the format. A POST /diarize result is available ' +
      'as json or rttm only. `wait` (seconds, optional) holds a pending or processing answer until ' +
      'the task finishes or the time runs out, then answers as it stands: the same answers, seen as ' +
      'soon as they exist, by one request instead of many polls.',
  })
  @ApiParam({ name: 'task_id', description: 'The id POST /transcribe or POST /diarize returned' })
  @ApiQuery({ name: 'format', required: false, enum: RESULT_FORMATS, description: 'Default json' })
  @ApiQuery({
    name: 'wait',
    required: false,
    type: Number,
    description: `Seconds (0 to ${MAX_WAIT_SECONDS}, default 0) to wait for the task to finish`,
  })
  @ApiProduces('application/json', 'application/x-subrip', 'text/vtt', 'text/plain')
  @ApiExtraModels(...RESULT_RESPONSE_DTOS)
  @ApiOkResponse({
    schema: { oneOf: RESULT_RESPONSE_DTOS.map((dto) => ({ $ref: getSchemaPath(dto) })) },
    description:
      'One of four shapes, by status (a completed result in the asked text format when format is not json). ' +
      'Completed entries of a POST /diarize task are {speaker, start, end}; with word_timestamps=true ' +
      'each entry also carries words: [{word, start, end, probability, speaker}].',
    headers: {
      [RESULT_EXPIRES_HEADER]: {
        description:
          'On a completed or failed answer: when that result expires if this response does not ' +
          'reach the client (RESULT_TTL_MS or delete_after after the task ended), ISO 8601 UTC. ' +
          'A client whose connection drops mid-response may ask again until then.',
        schema: { type: 'string', format: 'date-time', example: '2026-11-29T15:04:05.000Z' },
      },
    },
  })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'Unknown format, or wait out of range' })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Missing or invalid token' })
  async result(
    @Param('task_id') taskId: string,
    @Query('format') formatQuery: unknown,
    @Query('wait') waitQuery: unknown,
    @Owner() owner: string,
    @Res() response: Response,
  ): Promise<void> {
    const format = parseFormat(formatQuery);
    const answer = await this.results.answer(taskId, owner, format, waitOption(waitQuery, response));
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
    if (answer.expiresAt !== undefined) {
      response.setHeader(RESULT_EXPIRES_HEADER, new Date(answer.expiresAt).toISOString());
    }
    response.setHeader('Content-Type', answer.contentType ?? 'application/json; charset=utf-8');
    response.send(answer.json);
  }

  @Delete('result/:task_id')
  @HttpCode(200)
  @UseGuards(ApiAuthGuard)
  @ApiOperation({
    summary: 'Cancel a task (owner only)',
    description:
      'A waiting task leaves the queue; a running one is stopped by its worker (native work included) ' +
      'within about a second; an undelivered result is deleted. The upload is deleted, and GET ' +
      "/result/{task_id} then answers pending. Unknown ids, delivered results and other users' tasks " +
      'all answer the same 404.',
  })
  @ApiParam({ name: 'task_id', description: 'The id POST /transcribe or POST /diarize returned' })
  @ApiOkResponse({ type: CancelledResponseDto, description: 'Cancelled' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such task of this user' })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Missing or invalid token' })
  cancel(@Param('task_id') taskId: string, @Owner() owner: string): Promise<CancelledResponseDto> {
    return this.results.cancel(taskId, owner);
  }
}
