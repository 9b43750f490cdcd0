import { type DynamicModule, Module } from '@nestjs/common';
import { LoggingModule } from './common/logging.module';
import { AppConfigModule } from './config/config.module';
import type { AppRole } from './config/env.dto';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { OpenAiModule } from './openai/openai.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { ResultsModule } from './results/results.module';
import { TasksModule } from './tasks/tasks.module';
import { TranscriptionModule } from './transcription/transcription.module';
import { WebModule } from './web/web.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** The app for one role: `api` (HTTP), `worker` (Bull processor with the models) or `all` (both). */
@Module({})
export class AppModule {
  static forRole(role: AppRole): DynamicModule {
    const api = role !== 'worker';
    const worker = role !== 'api';
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(),
        LoggingModule,
        MetricsModule.forRole({ api, worker }),
        WebhooksModule.forRole({ api, worker }),
        TranscriptionModule.register({ api, worker }),
        ...(api ? [ResultsModule, TasksModule, HealthModule, OpenAiModule, RateLimitModule, WebModule] : []),
      ],
    };
  }
}
