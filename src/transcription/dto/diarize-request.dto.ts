import {
  CallbackAuthHeaderNameField,
  CallbackAuthHeaderValueField,
} from '../../webhooks/callback-auth-header.fields';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { DeleteAfterField } from '../../tasks/delete-after.field';
import { AudioUrlField } from '../../upload/audio-url.field';
import { CallbackUrlField } from '../../webhooks/callback-url.field';
import { ChannelDiarizationField } from './channel-diarization.field';
import { OptionalSpeakerCountField } from './form-fields';

/** POST /diarize's form: speaker turns only, the speaker count automatic unless given. */
export class DiarizeRequestDto {
  // Optional since audio_url may stand in for it (exactly one of them is required).
  @ApiPropertyOptional({
    type: 'string',
    format: 'binary',
    description: 'The audio or video file (one of the 12 accepted formats)',
  })
  file?: unknown;

  @OptionalSpeakerCountField(
    'speaker_count',
    'Exact number of speakers; absent: automatic (within min_speakers..max_speakers when given)',
  )
  speaker_count?: number;

  @OptionalSpeakerCountField('min_speakers', 'At least this many speakers (automatic count only)')
  min_speakers?: number;

  @OptionalSpeakerCountField('max_speakers', 'At most this many speakers (automatic count only)')
  max_speakers?: number;

  @CallbackUrlField()
  callback_url?: string;

  @CallbackAuthHeaderNameField()
  callback_auth_header_name?: string;

  @CallbackAuthHeaderValueField()
  callback_auth_header_value?: string;

  @DeleteAfterField()
  delete_after?: number;

  @AudioUrlField()
  audio_url?: string;

  @ChannelDiarizationField(true)
  channel_diarization?: boolean;
}
