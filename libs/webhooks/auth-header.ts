import { WebhookError } from './errors';

/** A header the receiver of a client's webhooks wants on every delivery, e.g. its own bearer token. */
export interface CallbackAuthHeader {
  name: string;
  value: string;
}

export const MAX_AUTH_HEADER_NAME_LENGTH = 100;
export const MAX_AUTH_HEADER_VALUE_LENGTH = 4096;

/** RFC 9110 token: the characters a field name may have. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII, with spaces and tabs inside only: no CR/LF (header injection), no other controls. */
const FIELD_VALUE = /^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$/;

/**
 * Names a client may not set: framing and routing (Host, Content-Length, Transfer-Encoding, hop-by-hop
 * headers, proxies') that would let it smuggle or redirect the request, and those the sender signs or
 * owns (Content-Type, User-Agent, X-Webhook-*), which a receiver relies on.
 */
const FORBIDDEN_NAMES = new Set([
  'host',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'user-agent',
]);
const FORBIDDEN_PREFIXES = ['x-webhook-', 'proxy-', 'sec-'];

/** Which field of the pair is wrong, for a 400 that names it. */
export type AuthHeaderField = 'name' | 'value';

/** The pair as given is not a header this server will send; `problems` says what is wrong with each field. */
export class CallbackAuthHeaderError extends WebhookError {
  override name = 'CallbackAuthHeaderError';
  constructor(readonly problems: Partial<Record<AuthHeaderField, string>>) {
    super(Object.values(problems).join('; '));
  }
}

/** Why `name` cannot be a callback header name, or null when it can. */
export function authHeaderNameProblem(name: string): string | null {
  if (name.length === 0 || name.length > MAX_AUTH_HEADER_NAME_LENGTH) {
    return `must be 1 to ${MAX_AUTH_HEADER_NAME_LENGTH} characters`;
  }
  if (!TOKEN.test(name)) return "must be a header name: letters, digits and !#$%&'*+-.^_`|~ only";
  const lower = name.toLowerCase();
  if (FORBIDDEN_NAMES.has(lower) || FORBIDDEN_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
    return `${name} is set by the server itself and cannot be chosen`;
  }
  return null;
}

/** Why `value` cannot be a callback header value, or null when it can. Never quotes the value: it is a secret. */
export function authHeaderValueProblem(value: string): string | null {
  if (value.length === 0 || value.length > MAX_AUTH_HEADER_VALUE_LENGTH) {
    return `must be 1 to ${MAX_AUTH_HEADER_VALUE_LENGTH} characters`;
  }
  if (!FIELD_VALUE.test(value)) {
    return 'must be printable ASCII without line breaks or leading/trailing white space';
  }
  return null;
}

/**
 * Checks a client's header pair (both or neither) and returns it; throws CallbackAuthHeaderError naming
 * each field that is wrong. Nothing of the value appears in any message.
 */
export function checkCallbackAuthHeader(
  name: string | undefined,
  value: string | undefined,
): CallbackAuthHeader | undefined {
  if (name === undefined && value === undefined) return undefined;
  const problems: Partial<Record<AuthHeaderField, string>> = {};
  if (name === undefined) problems.name = 'is required when a header value is given';
  else {
    const problem = authHeaderNameProblem(name);
    if (problem) problems.name = problem;
  }
  if (value === undefined) problems.value = 'is required when a header name is given';
  else {
    const problem = authHeaderValueProblem(value);
    if (problem) problems.value = problem;
  }
  if (problems.name !== undefined || problems.value !== undefined)
    throw new CallbackAuthHeaderError(problems);
  return { name: name as string, value: value as string };
}
