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
import { ACCEPTED_FORMAT_NAMES } from '../upload/accepted-formats';
import { type AcceptedUpload, AudioUploadInterceptor } from '../upload/audio-upload.interceptor';
import { UploadedAudio } from '../upload/uploaded-audio.decorator';
import { TaskCreatedDto } from './dto/task-created.dto';
import { TranscribeRequestDto } from './dto/transcribe-request.dto';
import { TranscriptionService } from './transcription.service';

@ApiTags('transcription')
@ApiBearerAuth()
@Controller()
export class TranscriptionController {
  constructor(private readonly transcription: TranscriptionService) {}

  @Post('transcribe')
  @HttpCode(200)
  @UseGuards(ApiAuthGuard)
  @UseInterceptors(AudioUploadInterceptor)
  @ApiOperation({
    summary: 'Queue a file for transcription and diarization',
    description:
      `The format is recognised from the content: ${ACCEPTED_FORMAT_NAMES.join(', ')}. ` +
      'Poll GET /result/{task_id} for the outcome.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: TranscribeRequestDto, required: true })
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
    @Body() form: TranscribeRequestDto,
  ): Promise<TaskCreatedDto> {
    return this.transcription.submit(owner, upload, form);
  }
}
