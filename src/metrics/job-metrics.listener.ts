import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { isJobOutcome, isJobProgress, type Stage } from '../jobs/job-catalogue';
import { type TranscribeJob, TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { AppMetrics } from './app-metrics';

interface RunningJob {
  startedAt: number;
  stage: Stage;
  stageSince: number;
}

/**
 * Worker role: follows this process's jobs through Bull's local events (taken, progress, ended)
 * and records stage durations, outcomes, audio seconds and the real-time factor, without touching
 * the processor.
 */
@Injectable()
export class JobMetricsListener implements OnApplicationBootstrap {
  private readonly running = new Map<string, RunningJob>();

  constructor(
    private readonly queue: TranscriptionQueueRepository,
    private readonly metrics: AppMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.onWorkerEvent('active', (job) => this.started(job));
    this.queue.onWorkerEvent('progress', (job, progress) => this.progressed(job, progress));
    this.queue.onWorkerEvent('completed', (job, outcome) =>
      this.ended(job, 'completed', isJobOutcome(outcome) ? outcome.audioSeconds : null),
    );
    this.queue.onWorkerEvent('failed', (job) => this.ended(job, 'failed', null));
  }

  private started(job: TranscribeJob): void {
    const now = Date.now();
    this.running.set(String(job.id), { startedAt: now, stage: 'initializing', stageSince: now });
  }

  private progressed(job: TranscribeJob, progress: unknown): void {
    const entry = this.running.get(String(job.id));
    if (!entry || !isJobProgress(progress) || progress.stage === entry.stage) return;
    const now = Date.now();
    this.metrics.stageDuration.observe({ stage: entry.stage }, (now - entry.stageSince) / 1000);
    entry.stage = progress.stage;
    entry.stageSince = now;
  }

  private ended(job: TranscribeJob | null, state: 'completed' | 'failed', audioSeconds: number | null): void {
    if (!job) return;
    const entry = this.running.get(String(job.id));
    this.running.delete(String(job.id));
    this.metrics.jobsFinished.inc({ state });
    if (!entry) return;
    const now = Date.now();
    this.metrics.stageDuration.observe({ stage: entry.stage }, (now - entry.stageSince) / 1000);
    const elapsed = (now - entry.startedAt) / 1000;
    this.metrics.jobDuration.observe({ state }, elapsed);
    // Skipped or cancelled jobs complete without audio: they say nothing about the real-time factor.
    if (state !== 'completed' || !audioSeconds || audioSeconds <= 0) return;
    this.metrics.audioSeconds.inc(audioSeconds);
    this.metrics.realTimeFactor.observe(elapsed / audioSeconds);
  }
}
