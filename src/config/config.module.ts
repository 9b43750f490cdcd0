import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config';
import { validateEnv } from './env.validation';

/**
 * Reads .env and the environment once, validates them (the process stops with a clear message
 * otherwise) and provides the typed AppConfig. Global: configuration is the one cross-cutting concern.
 */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ cache: true, envFilePath: '.env', validate: validateEnv })],
  providers: [
    {
      provide: AppConfig,
      // ConfigService first: by then .env has been merged into process.env (variables already set win).
      inject: [ConfigService],
      useFactory: (): AppConfig => new AppConfig(validateEnv(process.env)),
    },
  ],
  exports: [AppConfig],
})
export class AppConfigModule {}
