import { type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { TEST_TOKEN_SUBJECT, type AuthenticatedUser } from './authenticated-user';
import { TestTokenMatcher } from './test-token.matcher';
import { tokenFromRequest } from './token-extractor';

/**
 * Accepts the static test token or a valid HS256 JWT; everything else is a 401 with a JSON body
 * saying why (missing, malformed, expired, bad signature).
 */
@Injectable()
export class ApiAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly testToken: TestTokenMatcher) {
    super();
  }

  override canActivate(context: ExecutionContext): boolean | Promise<boolean> | Observable<boolean> {
    const request = context.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const token = tokenFromRequest(request);
    if (token === null) {
      throw new UnauthorizedException(
        request.headers.authorization === undefined
          ? 'missing Authorization header'
          : 'malformed Authorization header: expected a token or "Bearer <token>"',
      );
    }
    if (this.testToken.matches(token)) {
      request.user = { subject: TEST_TOKEN_SUBJECT, via: 'test-token' };
      return true;
    }
    return super.canActivate(context);
  }

  override handleRequest<TUser = AuthenticatedUser>(
    error: unknown,
    user: TUser | false,
    info: unknown,
  ): TUser {
    if (user) return user;
    throw new UnauthorizedException(describeRejection(error ?? info));
  }
}

function describeRejection(cause: unknown): string {
  if (cause instanceof Error) {
    if (cause.name === 'TokenExpiredError') return 'token expired';
    if (cause.name === 'NotBeforeError') return 'token not yet valid';
    // jsonwebtoken names the expected value ("expected: ..."): say which claim, not what this server wants.
    if (cause.message.startsWith('jwt issuer invalid')) return 'invalid token: wrong issuer (iss)';
    if (cause.message.startsWith('jwt audience invalid')) return 'invalid token: wrong audience (aud)';
    if (cause.name === 'MissingClaimError') return cause.message;
    // jsonwebtoken's messages ("invalid signature", "invalid algorithm", "jwt malformed") are safe to show.
    return `invalid token: ${cause.message}`;
  }
  return 'invalid token';
}
