import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Owner } from '../auth/current-user.decorator';
import { ACCEPTED_FORMAT_NAMES } from '../upload/accepted-formats';
import type { AcceptedUpload } from '../upload/audio-upload.interceptor';
import { AudioUploadRoute } from '../upload/audio-upload-route.decorator';
import { UploadedAudio } from '../upload/uploaded-audio.decorator';
import type { TaskCreatedDto } from './dto/task-created.dto';
import { TranscribeFormDto } from './dto/transcribe-form.dto';
import { speakerFieldsOf } from '../jobs/speaker-fields';
import { FormFieldGiven } from './speaker-request';
import { QueuedUploadResponses } from './queued-upload-responses.decorator';
import { TranscriptionService } from './transcription.service';

@ApiTags('transcription')
@ApiBearerAuth()
@Controller()
export class TranscriptionController {
  constructor(private readonly transcription: TranscriptionService) {}

  @Post('transcribe')
  @AudioUploadRoute()
  @ApiOperation({
    summary: 'Queue a file for transcription and diarization',
    description:
      `The format is recognised from the content: ${ACCEPTED_FORMAT_NAMES.join(', ')}. ` +
      'Poll GET /result/{task_id} for the outcome. Speaker fields: an explicit speaker_count is the ' +
      'exact count (min_speakers/max_speakers, if also sent, must allow it, else 400); min_speakers/' +
      'max_speakers alone make the count automatic within them; with none of them the contract default ' +
      '(speaker_count 2) applies; min_speakers > max_speakers is a 400. word_timestamps=true adds ' +
      "`words` (each with its probability) and the entry's mean word `probability` to each result entry. " +
      'channel_diarization=true gives each audio channel its own speaker; hotwords and custom_spelling ' +
      'adapt the vocabulary.',
  })
  @ApiBody({ type: TranscribeFormDto, required: true })
  @QueuedUploadResponses()
  submit(
    @Owner() owner: string,
    @UploadedAudio() upload: AcceptedUpload,
    @Body() form: TranscribeFormDto,
    @FormFieldGiven('speaker_count') speakerCountGiven: boolean,
  ): Promise<TaskCreatedDto> {
    return this.transcription.submit(
      {
        kind: 'transcribe',
        owner,
        upload,
        deleteAfterSeconds: form.delete_after,
        // Nothing sent: the DTO's default, the contract's 2.
        speakers: speakerFieldsOf(form, speakerCountGiven, form.speaker_count),
        whisper: {
          language: form.language,
          temperature: form.temperature,
          noSpeechThreshold: form.no_speech_threshold,
          initialPrompt: form.initial_prompt,
          hotwords: form.hotwords,
        },
        wordTimestamps: form.word_timestamps,
        channelDiarization: form.channel_diarization,
        customSpelling: form.custom_spelling,
      },
      form,
    );
  }
}
