import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error answer: `detail` is the old server's (FastAPI's) key for the message. */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'invalid form fields: language' })
  detail!: string;

  @ApiPropertyOptional({
    description: 'Per-field messages (400 on form fields)',
    example: {
      language: ['language must be a Whisper language code (e.g. en, ko, ja) or empty to detect it'],
    },
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
  })
  errors?: Record<string, string[]>;
}
