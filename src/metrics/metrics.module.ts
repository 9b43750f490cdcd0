import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { ReadinessState } from '../health/readiness-state';
import { JobsModule } from '../jobs/jobs.module';
import { AppMetrics } from './app-metrics';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { JobMetricsListener } from './job-metrics.listener';
import { MetricsController } from './metrics.controller';
import { ModelsReadyMarker } from './models-ready.marker';
import { WorkerHttpServer } from './worker-http.server';

/**
 * Prometheus metrics and readiness state, global so that any module can count. The API serves
 * GET /metrics; a worker-only process serves it (and /health) on METRICS_PORT.
 */
@Module({})
export class MetricsModule implements NestModule {
  static forRole(roles: { api: boolean; worker: boolean }): DynamicModule {
    const workerOnly = roles.worker && !roles.api;
    return {
      module: MetricsModule,
      global: true,
      imports: [JobsModule, ...(workerOnly ? [HealthModule] : [])],
      controllers: roles.api ? [MetricsController] : [],
      providers: [
        AppMetrics,
        ReadinessState,
        ...(roles.worker ? [JobMetricsListener, ModelsReadyMarker] : []),
        ...(workerOnly ? [WorkerHttpServer] : []),
      ],
      exports: [AppMetrics, ReadinessState],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}
