import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { QueueName } from './job-catalogue';
import { queueLockSettings } from './queue-settings';
import { TranscriptionQueueRepository } from './transcription-queue.repository';

/** Bull on the configured Redis, under the configured key prefix. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        url: config.redis.url,
        prefix: config.redis.prefix,
        settings: {
          ...queueLockSettings(config),
          // A job whose worker died is retried once by another worker, then failed.
          maxStalledCount: 1,
        },
      }),
    }),
    BullModule.registerQueue({ name: QueueName.Transcription }),
  ],
  providers: [TranscriptionQueueRepository],
  exports: [TranscriptionQueueRepository],
})
export class JobsModule {}
