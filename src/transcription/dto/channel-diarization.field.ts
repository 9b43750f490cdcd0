import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_SPEAKER_CHANNELS } from '../../../libs/pipeline';
import { BooleanFlagField } from './form-fields';

/** `channel_diarization` of POST /transcribe and /diarize: one speaker per audio channel. */
export function ChannelDiarizationField(turnsOnly: boolean): PropertyDecorator {
  const description =
    'An addition, for call recordings with each party on its own channel: speaker n is channel n ' +
    `(0 = left, 1 = right, ...), kept as such. ${
      turnsOnly
        ? "The turns are each channel's speech regions (Silero VAD), overlaps kept."
        : 'Each channel is transcribed on its own (VAD keeps the cost to its speech) and its words ' +
          'merged in time order; no diarization runs and the speaker fields are ignored.'
    } Needs 2 to ${MAX_SPEAKER_CHANNELS} channels: a mono file or more channels is a 400.`;
  return applyDecorators(
    BooleanFlagField('channel_diarization', description),
    // The same schema with an example (Swagger merges the later one into the first).
    ApiPropertyOptional({ type: 'boolean', default: false, example: true, description }),
  );
}
