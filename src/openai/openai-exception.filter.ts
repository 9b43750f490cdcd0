import { Catch, HttpException } from '@nestjs/common';
import { HttpExceptionFilter } from '../common/http-exception.filter';
import { openAiError } from './openai-response';

/**
 * Errors of /v1/* in OpenAI's shape (`{error: {message, type, param, code}}`), so that the SDKs
 * raise their usual APIError subclasses (AuthenticationError, BadRequestError, RateLimitError ...).
 */
@Catch()
export class OpenAiExceptionFilter extends HttpExceptionFilter {
  protected override shape(status: number, body: Record<string, unknown>, exception: unknown): unknown {
    const fields = body.errors as Record<string, string[]> | undefined;
    const param = fields ? (Object.keys(fields)[0] ?? null) : null;
    const message =
      fields && param ? (fields[param]?.[0] ?? String(body.detail)) : String(body.detail ?? 'error');
    const code = exception instanceof HttpException && status === 413 ? 'file_too_large' : undefined;
    return openAiError(status, message, { param, ...(code ? { code } : {}) });
  }
}
