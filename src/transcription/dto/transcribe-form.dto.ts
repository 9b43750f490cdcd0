import { IntersectionType } from '@nestjs/swagger';
import type { CustomSpelling } from '../../../libs/pipeline';
import { ChannelDiarizationField } from './channel-diarization.field';
import { BooleanFlagField, OptionalSpeakerCountField } from './form-fields';
import { CustomSpellingField, HotwordsField } from './vocabulary-fields';
import { SubmissionOptionsDto } from './submission-options.dto';
import { TranscribeRequestDto } from './transcribe-request.dto';

/**
 * POST /transcribe's form: the contract's fields plus additions that are all off or absent by
 * default, so that an old client gets exactly the old behaviour.
 */
export class TranscribeFormDto extends IntersectionType(TranscribeRequestDto, SubmissionOptionsDto) {
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

  @ChannelDiarizationField(false)
  channel_diarization?: boolean;

  @HotwordsField()
  hotwords?: string[];

  @CustomSpellingField()
  custom_spelling?: CustomSpelling;
}
