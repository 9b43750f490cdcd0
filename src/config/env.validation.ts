import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EnvDto } from './env.dto';
import { withInstalledModels } from './model-discovery';

/** Thrown at start-up with one line per wrong or missing variable. */
export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

/**
 * ConfigModule's `validate`: converts the raw strings, applies the defaults (models installed under
 * MODELS_DIR included), and refuses bad values.
 */
export function validateEnv(raw: Record<string, unknown>): EnvDto {
  const env = plainToInstance(EnvDto, withInstalledModels(raw), { exposeDefaultValues: true });
  // whitelist drops the rest of the environment (PATH, HOME ...), which this class does not describe.
  const errors = validateSync(env, { whitelist: true });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(`Invalid environment variables:\n${errors.map(describe).join('\n')}`);
  }
  return env;
}

function describe(error: ValidationError): string {
  const messages = Object.values(error.constraints ?? {});
  // The first message is the most specific one (a missing value also fails the later checks).
  return `  - ${error.property}: ${messages[messages.length - 1] ?? 'invalid value'}`;
}
