import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { ANONYMOUS_SUBJECT, type AuthenticatedUser } from './authenticated-user';
import { JWT_ALGORITHM } from './jwt-algorithm';
import { tokenFromRequest } from './token-extractor';

/** HS256 only: `alg: none`, RS/ES tokens and HS384/512 are all refused; `exp` is enforced. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(config: AppConfig) {
    super({
      jwtFromRequest: tokenFromRequest,
      secretOrKey: config.auth.jwtSecret,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
    });
  }

  validate(payload: { sub?: unknown }): AuthenticatedUser {
    const subject = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : ANONYMOUS_SUBJECT;
    return { subject, via: 'jwt' };
  }
}
