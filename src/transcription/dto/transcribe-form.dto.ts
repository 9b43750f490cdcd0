import {
  CallbackAuthHeaderNameField,
  CallbackAuthHeaderValueField,
} from '../../webhooks/callback-auth-header.fields';
import { DeleteAfterField } from '../../tasks/delete-after.field';
import { AudioUrlField } from '../../upload/audio-url.field';
import { CallbackUrlField } from '../../webhooks/callback-url.field';
import type { CustomSpelling } from '../../../libs/pipeline';
import { ChannelDiarizationField } from './channel-diarization.field';
import { BooleanFlagField, OptionalSpeakerCountField } from './form-fields';
import { CustomSpellingField, HotwordsField } from './vocabulary-fields';
import { TranscribeRequestDto } from './transcribe-request.dto';

/**
 * POST /transcribe's form: the contract's fields plus additions that are all off or absent by
 * default, so that an old client gets exactly the old behaviour.
 */
export class TranscribeFormDto extends TranscribeRequestDto {
  @OptionalSpeakerCountField(
    'min_speakers',
    'At least this many speakers (an addition). Without speaker_count the count is automatic within ' +
      'min_speakers..max_speakers; with speaker_count it must not exceed it (else 400).',
  )
  min_speakers?: number;

  @OptionalSpeakerCountField(
    'max_speakers',
    'At most this many speakers (an addition); see min_speakers. min_speakers > max_speakers is a 400.',
  )
  max_speakers?: number;

  @BooleanFlagField(
    'word_timestamps',
    'Adds `words: [{word, start, end, probability, speaker}]` to each result entry (an addition)',
  )
  word_timestamps?: boolean;

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

  @ChannelDiarizationField(false)
  channel_diarization?: boolean;

  @HotwordsField()
  hotwords?: string[];

  @CustomSpellingField()
  custom_spelling?: CustomSpelling;
}
