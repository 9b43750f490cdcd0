import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { taskLogFields } from './task-context';

/**
 * pino for the app's logs and, at debug level, one line per HTTP request (client errors at warn,
 * server errors at error); tokens are redacted.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // Polling is the hot path: below debug level it skips pino-http's per-request work entirely.
        exclude: ['debug', 'trace'].includes(config.logLevel)
          ? []
          : [{ method: RequestMethod.GET, path: 'result/*task_id' }],
        pinoHttp: {
          level: config.logLevel,
          // JSON lines; inside a job each one carries its taskId.
          mixin: taskLogFields,
          // One line per request only at debug/trace: pollers send many, and each costs even when
          // filtered out. Server errors are logged by HttpExceptionFilter at any level.
          autoLogging: ['debug', 'trace'].includes(config.logLevel),
          redact: ['req.headers.authorization', 'req.headers.cookie'],
          customLogLevel: (_request, response, error) => {
            if (error || response.statusCode >= 500) return 'error';
            if (response.statusCode >= 400) return 'warn';
            return 'debug';
          },
          serializers: {
            req: (request: { method: string; url: string; id: unknown }) => ({
              id: request.id,
              method: request.method,
              url: request.url,
            }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
