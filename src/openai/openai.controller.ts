import { Body, Controller, Post, Res, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Owner } from '../auth/current-user.decorator';
import type { AcceptedUpload } from '../upload/audio-upload.interceptor';
import { AudioUploadRoute } from '../upload/audio-upload-route.decorator';
import { UploadedAudio } from '../upload/uploaded-audio.decorator';
import { OpenAiExceptionFilter } from './openai-exception.filter';
import { OpenAiTranscriptionRequestDto } from './openai-transcription-request.dto';
import { OpenAiTranscriptionService } from './openai-transcription.service';

@ApiTags('openai-compatible')
@ApiBearerAuth()
@Controller('v1/audio')
@UseFilters(OpenAiExceptionFilter)
export class OpenAiController {
  constructor(private readonly transcriptions: OpenAiTranscriptionService) {}

  @Post('transcriptions')
  @AudioUploadRoute()
  @ApiOperation({
    summary: "OpenAI's POST /v1/audio/transcriptions, answered synchronously",
    description:
      'For OpenAI SDK clients: set the base URL to `http://HOST:PORT/v1` and the API key to a JWT or ' +
      'TEST_TOKEN. The file goes through the same checks and queue as POST /transcribe; the request ' +
      'waits for the job and answers in `response_format` (json, text, srt, vtt, verbose_json with ' +
      '`timestamp_granularities[]` word/segment, diarized_json with speakers A, B, ...). `model` is ' +
      "ignored. Errors use OpenAI's body `{error: {message, type, param, code}}`. Closing the connection " +
      'cancels the job.',
  })
  @ApiBody({ type: OpenAiTranscriptionRequestDto, required: true })
  @ApiOkResponse({
    description: 'The transcription: JSON for json/verbose_json/diarized_json, text otherwise',
  })
  @ApiBadRequestResponse({ description: 'Invalid fields or file, as an OpenAI error body' })
  @ApiUnauthorizedResponse({ description: 'Missing or invalid API key, as an OpenAI error body' })
  @ApiTooManyRequestsResponse({ description: 'Rate limit, as an OpenAI error body' })
  async transcribe(
    @Owner() owner: string,
    @UploadedAudio() upload: AcceptedUpload,
    @Body() form: OpenAiTranscriptionRequestDto,
    @Res({ passthrough: false }) response: Response,
  ): Promise<void> {
    const gone = new AbortController();
    response.once('close', () => {
      if (!response.writableFinished) gone.abort();
    });
    const rendered = await this.transcriptions.transcribe(owner, upload, form, gone.signal);
    response.status(200).setHeader('Cache-Control', 'no-store');
    response.type(rendered.contentType);
    response.send(typeof rendered.body === 'string' ? rendered.body : JSON.stringify(rendered.body));
  }
}
