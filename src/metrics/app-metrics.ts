import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'paused'] as const;

/**
 * Every Prometheus metric of the app, in one registry per process. In a split deployment each
 * process exposes its own: the API its HTTP figures, a worker (METRICS_PORT) its job figures; the
 * queue gauges are read from Redis at scrape time, so any process reports them.
 */
@Injectable()
export class AppMetrics {
  readonly registry = new Registry();

  readonly jobsFinished = new Counter({
    name: 'speech_jobs_total',
    help: 'Jobs this worker finished, by outcome',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly stageDuration = new Histogram({
    name: 'speech_stage_duration_seconds',
    help: 'Time a job spent in each stage',
    labelNames: ['stage'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600, 1800],
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'speech_job_duration_seconds',
    help: 'Time from a worker taking a job to its end, by outcome',
    labelNames: ['state'] as const,
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 180, 600, 1800, 3600],
    registers: [this.registry],
  });

  readonly audioSeconds = new Counter({
    name: 'speech_audio_seconds_processed_total',
    help: 'Seconds of audio in completed jobs',
    registers: [this.registry],
  });

  readonly realTimeFactor = new Histogram({
    name: 'speech_real_time_factor',
    help: 'Processing time over audio duration of completed jobs (below 1 is faster than real time)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [this.registry],
  });

  readonly uploadBytes = new Counter({
    name: 'speech_upload_bytes_total',
    help: 'Bytes of accepted uploads',
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [this.registry],
  });

  constructor(queue: TranscriptionQueueRepository) {
    collectDefaultMetrics({ register: this.registry });
    // Read at scrape time: every process sees the same shared queue.
    new Gauge({
      name: 'speech_queue_jobs',
      help: 'Jobs in the shared queue, by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await queue.stateCounts().catch(() => null);
        if (!counts) return;
        for (const state of QUEUE_STATES) this.set({ state }, counts[state]);
      },
    });
    new Gauge({
      name: 'speech_queue_depth',
      help: 'Jobs waiting for a worker',
      registers: [this.registry],
      async collect() {
        const counts = await queue.stateCounts().catch(() => null);
        if (counts) this.set(counts.waiting);
      },
    });
    // Present from the start, so a rate() over them works before the first job ends.
    for (const state of ['completed', 'failed']) this.jobsFinished.inc({ state }, 0);
    this.audioSeconds.inc(0);
    this.uploadBytes.inc(0);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
