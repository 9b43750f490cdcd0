import { ApiPropertyOptional } from '@nestjs/swagger';
import { ChannelDiarizationField } from './channel-diarization.field';
import { OptionalSpeakerCountField } from './form-fields';
import { SubmissionOptionsDto } from './submission-options.dto';

/** POST /diarize's form: speaker turns only, the speaker count automatic unless given. */
export class DiarizeRequestDto extends SubmissionOptionsDto {
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

  @ChannelDiarizationField(true)
  channel_diarization?: boolean;
}
