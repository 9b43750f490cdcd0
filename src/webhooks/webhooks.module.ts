import { BullModule } from '@nestjs/bull';
import { type DynamicModule, Module } from '@nestjs/common';
import { DEFAULT_BACKOFF, retryDelayMs } from '../../libs/webhooks';
import { AppConfig } from '../config/app-config';
import { JobsModule } from '../jobs/jobs.module';
import { QueueName } from '../jobs/job-catalogue';
import { queueLockSettings } from '../jobs/queue-settings';
import { CallbackUrlPolicy } from './callback-url.policy';
import { RetryableDeliveryError, WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookNotifier } from './webhook-notifier';
import { WEBHOOK_BACKOFF, WebhookQueueRepository } from './webhook-queue.repository';

/** A delivery whose worker died mid-attempt is tried again this many times before Bull fails it. */
const MAX_STALLED_DELIVERIES = 5;

/** The webhook queue: Bull's lock settings of the app, and the delivery backoff (Retry-After honoured). */
const webhookQueue = BullModule.registerQueueAsync({
  name: QueueName.Webhooks,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => ({
    settings: {
      ...queueLockSettings(config),
      maxStalledCount: MAX_STALLED_DELIVERIES,
      backoffStrategies: {
        [WEBHOOK_BACKOFF]: (attemptsMade: number, error: unknown) =>
          retryDelayMs(
            attemptsMade,
            DEFAULT_BACKOFF,
            error instanceof RetryableDeliveryError ? error.retryAfterMs : null,
          ),
      },
    },
  }),
});

/**
 * callback_url checks (API role, global for the upload controllers); queueing and delivering
 * webhooks through Bull (worker role).
 */
@Module({})
export class WebhooksModule {
  static forRole(roles: { api: boolean; worker: boolean }): DynamicModule {
    return {
      module: WebhooksModule,
      global: true,
      imports: [JobsModule, ...(roles.worker ? [webhookQueue] : [])],
      providers: [
        CallbackUrlPolicy,
        ...(roles.worker ? [WebhookQueueRepository, WebhookNotifier, WebhookDeliveryProcessor] : []),
      ],
      exports: [CallbackUrlPolicy, ...(roles.worker ? [WebhookNotifier] : [])],
    };
  }
}
