import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TranscriptionQueueRepository } from '../jobs/transcription-queue.repository';
import { UploadFiles } from '../upload/upload-files';

/**
 * Deletes uploads that no job will read: left behind by a process killed mid-request, by a worker
 * killed after its job ended, or by a job removed from the queue by hand or expired. Only files older
 * than UPLOAD_ORPHAN_AGE_MS are considered (older than any upload still between its last byte and
 * its job being queued). Normal endings delete their upload themselves.
 */
@Injectable()
export class UploadJanitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(UploadJanitor.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly files: UploadFiles,
    private readonly queue: TranscriptionQueueRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.config.upload.sweepIntervalMs).unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(now = Date.now()): Promise<number> {
    let removed = 0;
    try {
      for (const upload of await this.files.olderThan(now - this.config.upload.orphanAgeMs)) {
        // Waiting (or delayed) and running jobs still need their file; finished or gone ones do not.
        const { kind } = await this.queue.lookup(upload.taskId);
        if (kind === 'waiting' || kind === 'active') continue;
        await this.files.remove(upload.filePath);
        removed++;
      }
    } catch (error) {
      this.logger.warn(`upload sweep failed: ${String(error)}`);
    }
    if (removed > 0) this.logger.log(`swept ${removed} orphaned upload(s)`);
    return removed;
  }
}
