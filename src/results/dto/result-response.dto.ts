import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAGES, type Stage } from '../../jobs/job-catalogue';

/**
 * The contract's four answers of GET /result/{task_id}, declared once: these classes are both the
 * types the service builds and the OpenAPI schemas (with the @nestjs/swagger plugin of nest-cli.json
 * adding the comments as descriptions).
 */

export class ResultWordDto {
  @ApiProperty() word!: string;
  @ApiProperty({ description: 'Seconds' }) start!: number;
  @ApiProperty({ description: 'Seconds' }) end!: number;
  @ApiProperty({
    minimum: 0,
    maximum: 1,
    example: 0.92,
    description: "Whisper's probability of the word (mean over its tokens)",
  })
  probability!: number;
  @ApiProperty({ description: "Its entry's speaker" }) speaker!: number;
}

/** One entry of a completed result: consecutive words of one speaker (no text: a POST /diarize turn). */
export class ResultEntryDto {
  @ApiProperty({
    minimum: 0,
    description:
      'From 0, in order of first appearance; with channel_diarization the audio channel (0 = left)',
  })
  speaker!: number;
  @ApiProperty({ description: 'Seconds' }) start!: number;
  @ApiProperty({ description: 'Seconds' }) end!: number;
  @ApiPropertyOptional({ description: 'Absent on POST /diarize results' }) text?: string;
  @ApiPropertyOptional({ type: [ResultWordDto], description: 'Only with word_timestamps=true' })
  words?: ResultWordDto[];
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    example: 0.87,
    description:
      "Only with word_timestamps=true: the mean of its words' probabilities (Whisper's confidence)",
  })
  probability?: number;
}

export class PendingResultDto {
  @ApiProperty({
    enum: ['pending'],
    description: 'Waiting in the queue; also an unknown id or a result already delivered',
  })
  status!: 'pending';
}

export class ProcessingResultDto {
  @ApiProperty({ enum: ['processing'] }) status!: 'processing';
  @ApiProperty({ enum: STAGES, description: 'The current stage' }) info!: Stage;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'Percent done (an addition)' }) progress!: number;
}

export class CompletedResultDto {
  @ApiProperty({ enum: ['completed'] }) status!: 'completed';
  @ApiProperty({ type: [ResultEntryDto] }) results!: ResultEntryDto[];
  @ApiPropertyOptional({
    type: [String],
    description:
      'An addition, present only when something about the result needs saying (absent otherwise): ' +
      'e.g. the file decoded only in part, or no diarization is installed. One line each.',
    example: [
      'decoded 17.6 s of the 29.4 s the file declares: the rest is missing or damaged (ffmpeg: invalid residual)',
    ],
  })
  warnings?: string[];
}

export class FailedResultDto {
  @ApiProperty({ enum: ['failed'] }) status!: 'failed';
  @ApiProperty({ example: 'cannot decode audio: the file holds no audio stream' }) error!: string;
}

export const RESULT_RESPONSE_DTOS = [
  PendingResultDto,
  ProcessingResultDto,
  CompletedResultDto,
  FailedResultDto,
] as const;

/** DELETE /result/{task_id}'s answer. */
export class CancelledResponseDto {
  @ApiProperty({ example: '0b5f6a2e-3c1d-4e8f-9a7b-2c4d6e8f0a1b' }) task_id!: string;
  @ApiProperty({ enum: ['cancelled'] }) status!: 'cancelled';
}
