import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { ReadinessIndicators } from './readiness.indicators';

@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessIndicators,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and Redis reachability, with the queue length (no auth)' })
  @ApiOkResponse({ description: 'Up' })
  @ApiServiceUnavailableResponse({ description: 'Redis unreachable' })
  check() {
    return this.health.check([() => this.readiness.redis('queue')]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: Redis reachable, ffmpeg present, models loaded (worker role) (no auth)',
    description:
      'For load balancers and orchestrators. A worker-only process serves the same on METRICS_PORT.',
  })
  @ApiOkResponse({ description: 'Ready: every check up' })
  @ApiServiceUnavailableResponse({ description: 'Not ready: the failing checks are under "error"' })
  ready() {
    return this.health.check(this.readiness.all());
  }
}
