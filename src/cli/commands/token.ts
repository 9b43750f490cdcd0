import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { mintToken } from '../../auth/mint-token';

/** `token SUBJECT [--expires 1h]`: prints a JWT the server accepts, signed with JWT_SECRET (env or .env). */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description(
      'Print a JWT (HS256, signed with JWT_SECRET from the environment or .env) for SUBJECT, with ' +
        'iss / aud from JWT_ISSUER / JWT_AUDIENCE when set',
    )
    .argument('<subject>', 'who the token is for: the owner of the tasks it creates')
    .option('--expires <duration>', 'lifetime: seconds or a duration such as 30m, 1h, 7d', '1h')
    .option('--dotenv <path>', 'read JWT_SECRET from this file when the environment lacks it', '.env')
    .action((subject: string, options: { expires: string; dotenv: string }) => {
      if (!process.env.JWT_SECRET && existsSync(options.dotenv)) process.loadEnvFile(options.dotenv);
      const secret = process.env.JWT_SECRET;
      if (!secret) throw new Error('JWT_SECRET is not set (environment or .env)');
      const expires = /^\d+$/.test(options.expires) ? Number(options.expires) : options.expires;
      if (typeof expires === 'string' && !/^\d+(\.\d+)?\s*(ms|s|m|h|d|w|y)$/i.test(expires)) {
        throw new Error(
          `--expires must be seconds or a duration such as 30m, 1h, 7d (got "${options.expires}")`,
        );
      }
      // The claims the server checks when it is configured to, from the same environment.
      const claims = { issuer: process.env.JWT_ISSUER, audience: process.env.JWT_AUDIENCE };
      process.stdout.write(`${mintToken(secret, subject, expires, claims)}\n`);
    });
}
