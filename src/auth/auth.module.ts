import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ApiAuthGuard } from './api-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { TestTokenMatcher } from './test-token.matcher';

@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [JwtStrategy, TestTokenMatcher, ApiAuthGuard],
  exports: [ApiAuthGuard, TestTokenMatcher],
})
export class AuthModule {}
