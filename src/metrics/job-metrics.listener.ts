import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { probeMedia } from '../../libs/audio';
import { isJobProgress, type Stage } from '../jobs/job-catalogue';
import { type TranscribeJob, TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { AppMetrics } from './app-metrics';

interface RunningJob {
  startedAt: number;
  stage: Stage;
  stageSince: number;
  audioSeconds: Promise<number | null>;
}

/**
 * Worker role: follows this process's jobs through Bull's local events (taken, progress, ended)
 * and records stage durations, outcomes, audio seconds and the real-time factor, without touching
 * the processor.
 */
@Injectable()
export class JobMetricsListener implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobMetricsListener.name);
  private readonly running = new Map<string, RunningJob>();

  constructor(
    private readonly queue: TranscriptionQueueRepository,
    private readonly metrics: AppMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.onWorkerEvent('active', (job) => this.started(job));
    this.queue.onWorkerEvent('progress', (job, progress) => this.progressed(job, progress));
    this.queue.onWorkerEvent('completed', (job) => void this.ended(job, 'completed'));
    this.queue.onWorkerEvent('failed', (job) => void this.ended(job, 'failed'));
  }

  private started(job: TranscribeJob): void {
    const now = Date.now();
    // The header's duration: a hint, but one ffprobe costs little next to a transcription.
    const audioSeconds = probeMedia(job.data.filePath)
      .then((info) => info.durationSeconds)
      .catch(() => null);
    this.running.set(String(job.id), {
      startedAt: now,
      stage: 'initializing',
      stageSince: now,
      audioSeconds,
    });
  }

  private progressed(job: TranscribeJob, progress: unknown): void {
    const entry = this.running.get(String(job.id));
    if (!entry || !isJobProgress(progress) || progress.stage === entry.stage) return;
    const now = Date.now();
    this.metrics.stageDuration.observe({ stage: entry.stage }, (now - entry.stageSince) / 1000);
    entry.stage = progress.stage;
    entry.stageSince = now;
  }

  private async ended(job: TranscribeJob | null, state: 'completed' | 'failed'): Promise<void> {
    if (!job) return;
    const entry = this.running.get(String(job.id));
    this.running.delete(String(job.id));
    this.metrics.jobsFinished.inc({ state });
    if (!entry) return;
    const now = Date.now();
    this.metrics.stageDuration.observe({ stage: entry.stage }, (now - entry.stageSince) / 1000);
    const elapsed = (now - entry.startedAt) / 1000;
    this.metrics.jobDuration.observe({ state }, elapsed);
    if (state !== 'completed') return;
    try {
      const audio = await entry.audioSeconds;
      if (audio && audio > 0) {
        this.metrics.audioSeconds.inc(audio);
        this.metrics.realTimeFactor.observe(elapsed / audio);
      }
    } catch (error) {
      this.logger.debug(`no audio duration for task ${String(job.id)}: ${String(error)}`);
    }
  }
}
