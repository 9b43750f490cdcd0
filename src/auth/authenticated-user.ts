/** Who made the request: tasks belong to this subject. */
export interface AuthenticatedUser {
  subject: string;
  via: 'jwt' | 'test-token';
}

/** The owner of everything done with the static TEST_TOKEN. */
export const TEST_TOKEN_SUBJECT = 'test-token';

/** Tokens without a `sub` claim (the old server did not require one) share this owner. */
export const ANONYMOUS_SUBJECT = 'anonymous';
