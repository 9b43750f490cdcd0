import { JwtService, type JwtSignOptions } from '@nestjs/jwt';
import { JWT_ALGORITHM } from './jwt-algorithm';

/**
 * Signs a JWT the server accepts: HS256, `sub` = the owner of the tasks, `exp` from expiresIn
 * (a duration such as "1h" or "7d", or seconds).
 */
export function mintToken(secret: string, subject: string, expiresIn: string | number): string {
  if (subject.trim() === '') throw new Error('the subject must not be empty');
  const jwt = new JwtService({ secret });
  const options: JwtSignOptions = {
    algorithm: JWT_ALGORITHM,
    subject,
    expiresIn: expiresIn as JwtSignOptions['expiresIn'],
  };
  return jwt.sign({}, options);
}
