import { mkdirSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/**
 * The upload directory. Each upload is stored under its task id, so that a file whose job is gone
 * can be recognised and swept.
 */
@Injectable()
export class UploadFiles {
  private readonly logger = new Logger(UploadFiles.name);
  readonly dir: string;

  constructor(config: AppConfig) {
    this.dir = config.upload.dir;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** Deletes an upload; a file already gone is fine (another path of the job may have deleted it). */
  async remove(filePath: string): Promise<void> {
    try {
      await unlink(filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn(`could not delete upload ${filePath}: ${String(error)}`);
      }
    }
  }

  /** Uploads last modified before the given time, with the task id each is named after. */
  async olderThan(cutoffMs: number): Promise<{ taskId: string; filePath: string }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const found: { taskId: string; filePath: string }[] = [];
    for (const name of names) {
      const filePath = path.join(this.dir, name);
      const info = await stat(filePath).catch(() => null);
      if (info?.isFile() && info.mtimeMs < cutoffMs) found.push({ taskId: name, filePath });
    }
    return found;
  }
}
