import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { toErrorBody } from '../common/http-exception.filter';
import { openAiError } from './openai-response';

/**
 * Errors of /v1/* in OpenAI's shape (`{error: {message, type, param, code}}`), so that the SDKs
 * raise their usual APIError subclasses (AuthenticationError, BadRequestError, RateLimitError ...).
 */
@Catch()
export class OpenAiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OpenAiError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const { status, body } = toErrorBody(exception);
    if (status >= 500) {
      this.logger.error(
        `${request.method} ${request.url}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const fields = body.errors as Record<string, string[]> | undefined;
    const param = fields ? (Object.keys(fields)[0] ?? null) : null;
    const message =
      fields && param ? (fields[param]?.[0] ?? String(body.detail)) : String(body.detail ?? 'error');
    const code = exception instanceof HttpException && status === 413 ? 'file_too_large' : undefined;
    response.status(status).json(openAiError(status, message, { param, ...(code ? { code } : {}) }));
  }
}
