import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './app-config';
import { validateEnv } from './env.validation';

/**
 * The typed AppConfig, from the environment (main has merged .env into it) validated once, when the
 * app module is built: a bad environment stops start-up with one clear message. Global:
 * configuration is the one cross-cutting concern.
 */
@Module({})
export class AppConfigModule {
  static forRoot(env: Record<string, unknown> = process.env): DynamicModule {
    const config = new AppConfig(validateEnv(env));
    return {
      module: AppConfigModule,
      global: true,
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
