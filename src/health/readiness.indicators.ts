import { execFile } from 'node:child_process';
import { Injectable } from '@nestjs/common';
import { type HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { ReadinessState } from './readiness-state';

/** ffmpeg does not appear or vanish often: one probe a minute is plenty. */
const FFMPEG_RECHECK_MS = 60_000;

/** What /health/ready checks: Redis reachable, ffmpeg runnable, and (in a worker) the models loaded. */
@Injectable()
export class ReadinessIndicators {
  private ffmpeg: { checkedAt: number; version: string | null; error: string | null } | null = null;

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly queue: TranscriptionQueueRepository,
    private readonly state: ReadinessState,
  ) {}

  all(): HealthIndicatorFunction[] {
    return [() => this.redis(), () => this.ffmpegPresent(), () => this.models()];
  }

  /** `key`: the name under which it reports (/health keeps its original `queue`). */
  async redis(key = 'redis') {
    const session = this.indicators.check(key);
    try {
      await this.queue.ping();
      return session.up(await this.queue.counts());
    } catch (error) {
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  async ffmpegPresent() {
    const session = this.indicators.check('ffmpeg');
    if (!this.ffmpeg || Date.now() - this.ffmpeg.checkedAt > FFMPEG_RECHECK_MS) {
      this.ffmpeg = { checkedAt: Date.now(), ...(await ffmpegVersion()) };
    }
    return this.ffmpeg.version !== null
      ? session.up({ version: this.ffmpeg.version })
      : session.down({ message: this.ffmpeg.error ?? 'ffmpeg not found' });
  }

  models() {
    const session = this.indicators.check('models');
    const loaded = this.state.modelsLoaded;
    if (loaded === null) return session.up({ role: 'api', message: 'no worker in this process' });
    return loaded ? session.up({ loaded: true }) : session.down({ loaded: false });
  }
}

function ffmpegVersion(): Promise<{ version: string | null; error: string | null }> {
  return new Promise((resolve) => {
    execFile('ffmpeg', ['-hide_banner', '-version'], { timeout: 5000 }, (error, stdout) => {
      if (error) resolve({ version: null, error: `ffmpeg cannot be run: ${error.message.split('\n')[0]}` });
      else resolve({ version: /ffmpeg version (\S+)/.exec(stdout)?.[1] ?? 'unknown', error: null });
    });
  });
}
