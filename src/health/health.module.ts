import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { JobsModule } from '../jobs/jobs.module';
import { HealthController } from './health.controller';
import { ReadinessIndicators } from './readiness.indicators';

/** /health and /health/ready; ReadinessState comes from the global ObservabilityModule. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), JobsModule],
  controllers: [HealthController],
  providers: [ReadinessIndicators],
  exports: [ReadinessIndicators, TerminusModule],
})
export class HealthModule {}
