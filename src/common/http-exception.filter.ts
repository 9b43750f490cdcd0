import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';

/**
 * Every error as JSON `{statusCode, error, detail, ...}`. Unexpected errors become a 500 without
 * internals. A body left unread (an upload refused before multer read it) is drained by Node after
 * the answer, so that the client, still sending, reads the answer instead of a broken pipe.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

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
    response.status(status).json(this.shape(status, body, exception));
  }

  /** The body clients of a route family expect; subclasses reshape it (see OpenAiExceptionFilter). */
  protected shape(_status: number, body: Record<string, unknown>, _exception: unknown): unknown {
    return body;
  }
}

export function toErrorBody(exception: unknown): { status: number; body: Record<string, unknown> } {
  if (!(exception instanceof HttpException)) {
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    return {
      status,
      body: { statusCode: status, error: STATUS_CODES[status], detail: 'internal server error' },
    };
  }
  const status = exception.getStatus();
  const raw = exception.getResponse();
  const base = { statusCode: status, error: STATUS_CODES[status] ?? 'Error' };
  if (typeof raw === 'string') return { status, body: { ...base, detail: raw } };
  const { message, statusCode: _statusCode, error: _error, ...rest } = raw as Record<string, unknown>;
  void _statusCode;
  void _error;
  const detail =
    typeof rest.detail === 'string'
      ? rest.detail
      : Array.isArray(message)
        ? message.join('; ')
        : String(message ?? base.error);
  return { status, body: { ...base, ...rest, detail } };
}
