import { AppConfig } from '../../../src/config/app-config';
import { validateEnv } from '../../../src/config/env.validation';

/** A worker's configuration with the given variables, models found nowhere but where they say. */
export function workerConfig(env: Record<string, string>): AppConfig {
  return new AppConfig(
    validateEnv({
      APP_ROLE: 'worker',
      JWT_SECRET: 'x',
      REDIS_URL: 'redis://127.0.0.1:6379',
      // Stands in for the Whisper model: the worker only checks that it exists.
      WHISPER_MODEL_PATH: __filename,
      MODELS_DIR: '/nonexistent',
      ...env,
    }),
  );
}
