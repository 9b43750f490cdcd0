import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  ServiceUnavailableException,
} from '@nestjs/common';
import { HealthCheckService } from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { ReadinessIndicators } from '../health/readiness.indicators';
import { AppMetrics } from './app-metrics';

/**
 * A worker-only process serves no API, but its job metrics live in it: this minimal listener on
 * METRICS_PORT serves GET /metrics, /health and /health/ready for Prometheus and orchestrators.
 */
@Injectable()
export class WorkerHttpServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHttpServer.name);
  private server: http.Server | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: AppMetrics,
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessIndicators,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metrics.port === 0) return;
    const server = http.createServer((request, response) => {
      void this.answer(request.method ?? 'GET', (request.url ?? '/').split('?')[0], response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metrics.port, this.config.http.host, resolve);
    });
    this.server = server;
    const { port } = server.address() as AddressInfo;
    this.logger.log(`worker metrics and health on http://${this.config.http.host}:${port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(method: string, path: string, response: http.ServerResponse): Promise<void> {
    try {
      if (method !== 'GET') return send(response, 405, 'application/json', { detail: 'only GET' });
      if (path === '/metrics') {
        const { contentType, body } = await this.metrics.render();
        return send(response, 200, contentType, body);
      }
      if (path === '/health' || path === '/health/ready') {
        const checks = path === '/health' ? [() => this.readiness.redis('queue')] : this.readiness.all();
        try {
          return send(response, 200, 'application/json', await this.health.check(checks));
        } catch (error) {
          if (error instanceof ServiceUnavailableException) {
            return send(response, 503, 'application/json', error.getResponse());
          }
          throw error;
        }
      }
      send(response, 404, 'application/json', { detail: 'not found: /metrics, /health, /health/ready' });
    } catch (error) {
      this.logger.error(`worker metrics listener: ${String(error)}`);
      send(response, 500, 'application/json', { detail: 'internal server error' });
    }
  }
}

function send(response: http.ServerResponse, status: number, type: string, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(text);
}
