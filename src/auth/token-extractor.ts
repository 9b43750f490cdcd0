import type { Request } from 'express';

/**
 * The old server's clients send the token bare or as `Bearer <token>`; both are accepted. Returns
 * null when there is no usable token.
 */
export function extractToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const parts = header.trim().split(/\s+/);
  if (parts.length === 1) return parts[0] || null;
  if (parts.length === 2 && parts[0].toLowerCase() === 'bearer') return parts[1];
  return null;
}

export const tokenFromRequest = (request: Request): string | null =>
  extractToken(request.headers.authorization);
