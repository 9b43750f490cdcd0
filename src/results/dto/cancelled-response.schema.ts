import type { SchemaObject } from '@nestjs/swagger';

/** DELETE /result/{task_id}'s answer, for the OpenAPI document. */
export const CANCELLED_RESPONSE_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['task_id', 'status'],
  properties: {
    task_id: { type: 'string' },
    status: { type: 'string', enum: ['cancelled'] },
  },
  example: { task_id: '0b5f6a2e-3c1d-4e8f-9a7b-2c4d6e8f0a1b', status: 'cancelled' },
};
