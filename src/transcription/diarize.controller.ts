import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Owner } from '../auth/current-user.decorator';
import { speakerFieldsOf } from '../jobs/speaker-fields';
import type { AcceptedUpload } from '../upload/audio-upload.interceptor';
import { AudioUploadRoute } from '../upload/audio-upload-route.decorator';
import { UploadedAudio } from '../upload/uploaded-audio.decorator';
import { DiarizeRequestDto } from './dto/diarize-request.dto';
import type { TaskCreatedDto } from './dto/task-created.dto';
import { QueuedUploadResponses } from './queued-upload-responses.decorator';
import { TranscriptionService } from './transcription.service';

/** Speaker turns only, for clients that bring their own transcript. */
@ApiTags('transcription')
@ApiBearerAuth()
@Controller()
export class DiarizeController {
  constructor(private readonly transcription: TranscriptionService) {}

  @Post('diarize')
  @AudioUploadRoute()
  @ApiOperation({
    summary: 'Queue a file for speaker diarization only (no transcription)',
    description:
      'Same upload rules, task ids and statuses as POST /transcribe; stages initializing -> diarizing. ' +
      'GET /result/{task_id} then answers `{"status":"completed","results":[{"speaker","start","end"}]}` ' +
      '(or RTTM with ?format=rttm). speaker_count is the exact count when given; otherwise the count ' +
      'is automatic, within min_speakers..max_speakers when given (contradictions are a 400). ' +
      "channel_diarization=true: speaker n is audio channel n, its turns the channel's speech regions.",
  })
  @ApiBody({ type: DiarizeRequestDto, required: true })
  @QueuedUploadResponses()
  submit(
    @Owner() owner: string,
    @UploadedAudio() upload: AcceptedUpload,
    @Body() form: DiarizeRequestDto,
  ): Promise<TaskCreatedDto> {
    return this.transcription.submit(
      {
        kind: 'diarize',
        owner,
        upload,
        deleteAfterSeconds: form.delete_after,
        speakers: speakerFieldsOf(form, form.speaker_count !== undefined, null),
        channelDiarization: form.channel_diarization,
      },
      form,
    );
  }
}
