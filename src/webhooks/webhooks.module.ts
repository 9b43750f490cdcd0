import { type DynamicModule, Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { ResultStoreModule } from '../results/result-store.module';
import { CallbackUrlPolicy } from './callback-url.policy';
import { WebhookNotifier } from './webhook-notifier';

/** callback_url checks (API role, global for the upload controllers) and delivery (worker role). */
@Module({})
export class WebhooksModule {
  static forRole(roles: { api: boolean; worker: boolean }): DynamicModule {
    return {
      module: WebhooksModule,
      global: true,
      imports: [JobsModule, ResultStoreModule],
      providers: [CallbackUrlPolicy, ...(roles.worker ? [WebhookNotifier] : [])],
      exports: [CallbackUrlPolicy],
    };
  }
}
