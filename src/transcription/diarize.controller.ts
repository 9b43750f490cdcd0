import { Body, Controller, HttpCode, Post, UseGuards, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { ApiAuthGuard } from '../auth/api-auth.guard';
import { Owner } from '../auth/current-user.decorator';
import { ErrorBodyDto } from '../common/error-body.dto';
import { type AcceptedUpload, AudioUploadInterceptor } from '../upload/audio-upload.interceptor';
import { UploadedAudio } from '../upload/uploaded-audio.decorator';
import { DiarizeRequestDto } from './dto/diarize-request.dto';
import { TaskCreatedDto } from './dto/task-created.dto';
import { TranscriptionService } from './transcription.service';

/** Speaker turns only, for clients that bring their own transcript. */
@ApiTags('transcription')
@ApiBearerAuth()
@Controller()
export class DiarizeController {
  constructor(private readonly transcription: TranscriptionService) {}

  @Post('diarize')
  @HttpCode(200)
  @UseGuards(ApiAuthGuard)
  @UseInterceptors(AudioUploadInterceptor)
  @ApiOperation({
    summary: 'Queue a file for speaker diarization only (no transcription)',
    description:
      'Same upload rules, task ids and statuses as POST /transcribe; stages initializing -> diarizing. ' +
      'GET /result/{task_id} then answers `{"status":"completed","results":[{"speaker","start","end"}]}` ' +
      '(or RTTM with ?format=rttm). speaker_count is the exact count when given; otherwise the count ' +
      'is automatic, within min_speakers..max_speakers when given (contradictions are a 400).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: DiarizeRequestDto, required: true })
  @ApiOkResponse({ type: TaskCreatedDto, description: 'Queued' })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'No file, an empty file, or invalid form fields',
  })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'Missing or invalid token' })
  @ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'Larger than MAX_UPLOAD_BYTES' })
  @ApiUnsupportedMediaTypeResponse({ type: ErrorBodyDto, description: 'Not one of the accepted formats' })
  submit(
    @Owner() owner: string,
    @UploadedAudio() upload: AcceptedUpload,
    @Body() form: DiarizeRequestDto,
  ): Promise<TaskCreatedDto> {
    return this.transcription.submitDiarization(owner, upload, form);
  }
}
