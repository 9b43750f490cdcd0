import { ApiProperty } from '@nestjs/swagger';

export class TaskCreatedDto {
  @ApiProperty({
    description: 'Id to poll with GET /result/{task_id}',
    example: '0b5f6a2e-3c1d-4e8f-9a7b-2c4d6e8f0a1b',
  })
  task_id!: string;
}
