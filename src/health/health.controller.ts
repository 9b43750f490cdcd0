import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly queue: TranscriptionQueueRepository,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and Redis reachability, with the queue length (no auth)' })
  @ApiOkResponse({ description: 'Up' })
  @ApiServiceUnavailableResponse({ description: 'Redis unreachable' })
  check() {
    return this.health.check([
      async () => {
        const session = this.indicators.check('queue');
        try {
          await this.queue.ping();
          return session.up(await this.queue.counts());
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
    ]);
  }
}
