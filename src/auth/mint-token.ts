import { JwtService, type JwtSignOptions } from '@nestjs/jwt';
import { JWT_ALGORITHM } from './jwt-algorithm';

/**
 * Signs a JWT the server accepts: HS256, `sub` = the owner of the tasks, `exp` from expiresIn
 * (a duration such as "1h" or "7d", or seconds), and `iss` / `aud` where the server checks them
 * (JWT_ISSUER, JWT_AUDIENCE).
 */
export function mintToken(
  secret: string,
  subject: string,
  expiresIn: string | number,
  claims: { issuer?: string; audience?: string } = {},
): string {
  if (subject.trim() === '') throw new Error('the subject must not be empty');
  const jwt = new JwtService({ secret });
  const options: JwtSignOptions = {
    algorithm: JWT_ALGORITHM,
    subject,
    expiresIn: expiresIn as JwtSignOptions['expiresIn'],
    ...(claims.issuer ? { issuer: claims.issuer } : {}),
    ...(claims.audience ? { audience: claims.audience } : {}),
  };
  return jwt.sign({}, options);
}
