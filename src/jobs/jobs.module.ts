import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { QueueName } from './job-catalogue';
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
          // A worker renews its job's lock every lockDuration / 2 from the event loop; CPU-heavy JS
          // steps of a long file (clustering) must not let it lapse and hand the job to a second worker.
          // A dead worker's job goes to another after about lockDuration + 2 stalled intervals.
          lockDuration: config.jobs.lockDurationMs,
          stalledInterval: config.jobs.stalledIntervalMs,
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
