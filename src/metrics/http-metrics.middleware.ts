import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { RequestWithUpload } from '../upload/audio-upload.interceptor';
import { AppMetrics } from './app-metrics';

/**
 * Times every request to the end of its response, labelled by route pattern (never the raw URL,
 * whose task ids would make one series per task), and counts accepted upload bytes.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: AppMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.httpDuration.observe(
        { method: request.method, route: routeOf(request), status_code: String(response.statusCode) },
        seconds,
      );
      const upload = (request as RequestWithUpload).acceptedUpload;
      if (upload && response.statusCode < 400) this.metrics.uploadBytes.inc(upload.size);
    });
    next();
  }
}

function routeOf(request: Request): string {
  const pattern = (request.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${request.baseUrl}${pattern}`;
  return 'unmatched';
}
