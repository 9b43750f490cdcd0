import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerException,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { TEST_TOKEN_SUBJECT } from '../auth/authenticated-user';
import { JWT_ALGORITHM } from '../auth/jwt-algorithm';
import { TestTokenMatcher } from '../auth/test-token.matcher';
import { tokenFromRequest } from '../auth/token-extractor';
import { AppConfig } from '../config/app-config';

/**
 * @nestjs/throttler keyed by the authenticated subject (the same one that owns tasks), or by the
 * client's address when the request carries no valid token. It runs before the route's auth guard,
 * so it verifies the token itself: a forged `sub` cannot borrow another subject's budget.
 * A 429 carries `Retry-After` (seconds) and the app's JSON error body.
 */
@Injectable()
export class SubjectThrottlerGuard extends ThrottlerGuard {
  private readonly jwt: JwtService;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    config: AppConfig,
    private readonly testToken: TestTokenMatcher,
  ) {
    super(options, storage, reflector);
    this.jwt = new JwtService({
      secret: config.auth.jwtSecret,
      verifyOptions: { algorithms: [JWT_ALGORITHM] },
    });
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as Request;
    const token = tokenFromRequest(request);
    if (token !== null) {
      if (this.testToken.matches(token)) return Promise.resolve(`subject:${TEST_TOKEN_SUBJECT}`);
      try {
        const payload = this.jwt.verify<{ sub?: unknown }>(token);
        if (typeof payload.sub === 'string' && payload.sub !== '') {
          return Promise.resolve(`subject:${payload.sub}`);
        }
      } catch {
        // Invalid token: the auth guard answers 401; count it against the address.
      }
    }
    return Promise.resolve(`ip:${request.ip ?? request.socket.remoteAddress ?? 'unknown'}`);
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('Retry-After', String(Math.max(1, Math.ceil(detail.timeToBlockExpire))));
    throw new ThrottlerException(
      `rate limit exceeded: at most ${detail.limit} such requests per ${Math.round(detail.ttl / 1000)} s; ` +
        `retry after ${Math.ceil(detail.timeToBlockExpire)} s`,
    );
  }
}
