import type { SchemaObject } from '@nestjs/swagger';
import { STAGES } from '../../jobs/job-catalogue';

const status = (value: string): SchemaObject => ({ type: 'string', enum: [value] });

/** The contract's four shapes of GET /result/{task_id}, for the OpenAPI document. */
export const RESULT_RESPONSE_SCHEMA: SchemaObject = {
  oneOf: [
    {
      title: 'pending',
      description: 'Waiting in the queue; also an unknown id or a result already delivered',
      type: 'object',
      required: ['status'],
      properties: { status: status('pending') },
    },
    {
      title: 'processing',
      type: 'object',
      required: ['status', 'info'],
      properties: {
        status: status('processing'),
        info: { type: 'string', enum: [...STAGES], description: 'The current stage' },
        progress: { type: 'integer', minimum: 0, maximum: 100, description: 'Percent done (an addition)' },
      },
    },
    {
      title: 'completed',
      type: 'object',
      required: ['status', 'results'],
      properties: {
        status: status('completed'),
        results: {
          type: 'array',
          items: {
            type: 'object',
            required: ['speaker', 'start', 'end', 'text'],
            properties: {
              speaker: { type: 'integer', minimum: 0, description: 'From 0, in order of first appearance' },
              start: { type: 'number', description: 'Seconds' },
              end: { type: 'number', description: 'Seconds' },
              text: { type: 'string' },
            },
          },
        },
      },
    },
    {
      title: 'failed',
      type: 'object',
      required: ['status', 'error'],
      properties: { status: status('failed'), error: { type: 'string' } },
    },
  ],
  examples: [
    { status: 'pending' },
    { status: 'processing', info: 'transcribing', progress: 42 },
    { status: 'completed', results: [{ speaker: 0, start: 0.0, end: 2.5, text: '안녕하세요.' }] },
    { status: 'failed', error: 'cannot decode audio: the file holds no audio stream' },
  ],
};
