import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedUser } from './authenticated-user';

/** The subject that ApiAuthGuard authenticated: the owner of the tasks this request creates or reads. */
export const Owner = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<{ user: AuthenticatedUser }>();
  return request.user.subject;
});
