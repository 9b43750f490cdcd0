import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { SkipThrottle } from '@nestjs/throttler';
import { AppMetrics } from './app-metrics';

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: AppMetrics) {}

  @Get('metrics')
  @SkipThrottle()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics (no auth: keep it off the public network)',
    description:
      'Jobs by outcome, queue gauges, stage durations, audio seconds, real-time factor, upload bytes, ' +
      "HTTP latency, and Node's process metrics. A separate worker serves its own on METRICS_PORT.",
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4' })
  async scrape(@Res() response: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    response.status(200).type(contentType).send(body);
  }
}
