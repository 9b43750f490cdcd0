import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/**
 * Whether the multipart form carried a non-blank field, read before validation fills in defaults:
 * POST /transcribe's speaker_count defaults to 2, and an explicit 2 must be told from that default.
 */
export const FormFieldGiven = createParamDecorator((field: string, context: ExecutionContext): boolean => {
  const body = context.switchToHttp().getRequest<{ body?: Record<string, unknown> }>().body;
  const value = body?.[field];
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
});
