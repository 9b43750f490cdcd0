import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** Compares against TEST_TOKEN in constant time; matches nothing when TEST_TOKEN is unset. */
@Injectable()
export class TestTokenMatcher {
  private readonly expected: Buffer | null;

  constructor(config: AppConfig) {
    this.expected = config.auth.testToken === null ? null : digest(config.auth.testToken);
  }

  matches(token: string): boolean {
    // Digests have equal lengths, so the comparison time does not depend on the token's length either.
    return this.expected !== null && timingSafeEqual(digest(token), this.expected);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
