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
import { TranscribeFormDto } from './dto/transcribe-form.dto';
import { FormFieldGiven, resolveSpeakerParams } from './speaker-request';
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
      'Poll GET /result/{task_id} for the outcome. Speaker fields: an explicit speaker_count is the ' +
      'exact count (min_speakers/max_speakers, if also sent, must allow it, else 400); min_speakers/' +
      'max_speakers alone make the count automatic within them; with none of them the contract default ' +
      '(speaker_count 2) applies; min_speakers > max_speakers is a 400. word_timestamps=true adds ' +
      '`words` to each result entry.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: TranscribeFormDto, required: true })
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
    @Body() form: TranscribeFormDto,
    @FormFieldGiven('speaker_count') speakerCountGiven: boolean,
  ): Promise<TaskCreatedDto> {
    const speakers = resolveSpeakerParams(
      { speakerCount: form.speaker_count, minSpeakers: form.min_speakers, maxSpeakers: form.max_speakers },
      speakerCountGiven,
      form.speaker_count,
    );
    return this.transcription.submit(owner, upload, form, speakers);
  }
}
