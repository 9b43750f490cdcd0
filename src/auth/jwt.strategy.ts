import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-jwt';
import { AppConfig } from '../config/app-config';
import { ANONYMOUS_SUBJECT, type AuthenticatedUser } from './authenticated-user';
import { JWT_ALGORITHM } from './jwt-algorithm';
import { tokenFromRequest } from './token-extractor';

/** A token whose claims this server's settings refuse (JWT_REQUIRE_EXP, JWT_REQUIRE_SUB). */
export class MissingClaimError extends Error {
  override readonly name = 'MissingClaimError';
  constructor(claim: 'exp' | 'sub', what: string) {
    super(`the token has no ${claim} claim (${what}), which this server requires`);
  }
}

interface JwtClaims {
  sub?: unknown;
  exp?: unknown;
}

/**
 * HS256 only: `alg: none`, RS/ES tokens and HS384/512 are all refused; `exp` is enforced when present,
 * and required with JWT_REQUIRE_EXP; `iss` and `aud` are checked when JWT_ISSUER / JWT_AUDIENCE are set.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly requireExp: boolean;
  private readonly requireSub: boolean;

  constructor(config: AppConfig) {
    const { issuer, audience, requireExp, requireSub } = config.auth.jwt;
    super({
      jwtFromRequest: tokenFromRequest,
      secretOrKey: config.auth.jwtSecret,
      algorithms: [JWT_ALGORITHM],
      ignoreExpiration: false,
      ...(issuer === null ? {} : { issuer }),
      ...(audience === null ? {} : { audience }),
    });
    this.requireExp = requireExp;
    this.requireSub = requireSub;
  }

  validate(payload: JwtClaims): AuthenticatedUser {
    if (this.requireExp && typeof payload.exp !== 'number') throw new MissingClaimError('exp', 'expiry');
    const hasSubject = typeof payload.sub === 'string' && payload.sub !== '';
    if (this.requireSub && !hasSubject) throw new MissingClaimError('sub', 'subject');
    return { subject: hasSubject ? (payload.sub as string) : ANONYMOUS_SUBJECT, via: 'jwt' };
  }
}
