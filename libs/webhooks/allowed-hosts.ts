import { AllowedHostsSpecError, CallbackNotAllowedError } from './errors';
import { canonicalAddress, isPublicAddress } from './ip-address';

/**
 * One allow-list entry. `name`: one exact host name; `wildcard`: any subdomain of `host` (which then starts
 * with a dot), never the domain itself; `address`: one IP literal in canonical spelling.
 */
export interface AllowedHostRule {
  kind: 'name' | 'wildcard' | 'address';
  host: string;
  /** null: any port. */
  port: number | null;
  /** The entry as the operator wrote it, for messages. */
  entry: string;
}

export interface AllowedHosts {
  readonly rules: readonly AllowedHostRule[];
}

/** How a URL's host matched: `explicit` when an exact name or address entry named it (not a wildcard). */
export interface HostMatch {
  explicit: boolean;
}

export const MAX_CALLBACK_URL_LENGTH = 2048;

const ENTRY_SHAPE = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d+|\*))?$/;

/**
 * Reads the operator's allow-list: entries separated by commas or white space, each `host`, `host:port`,
 * `*.example.com` (any subdomain, at any depth), `*.example.com:8443`, an IP literal (`10.0.0.7`,
 * `[fd00::7]:9000`). An entry without a port allows every port, `host:*` says so explicitly. An empty spec
 * gives an empty list, which disables callbacks. Throws AllowedHostsSpecError on a malformed entry.
 */
export function parseAllowedHosts(spec: string | undefined | null): AllowedHosts {
  const entries = (spec ?? '').split(/[\s,]+/).filter((entry) => entry !== '');
  return Object.freeze({ rules: Object.freeze(entries.map(parseEntry)) });
}

function parseEntry(entry: string): AllowedHostRule {
  if (/[/@?#]/.test(entry) || entry.includes('://')) {
    throw new AllowedHostsSpecError(entry, 'write a host, host:port or *.domain, not a URL');
  }
  const bareAddress = canonicalAddress(entry);
  // A bare IPv6 literal has colons of its own, so only the bracketed form can carry a port.
  if (bareAddress !== null) return { kind: 'address', host: bareAddress, port: null, entry };
  const wildcard = entry.startsWith('*.');
  const shape = ENTRY_SHAPE.exec(wildcard ? entry.slice(2) : entry);
  if (!shape) throw new AllowedHostsSpecError(entry, 'expected host, host:port or *.domain');
  const [, hostText, portText] = shape;
  const port = parsePort(entry, portText);
  const address = canonicalAddress(hostText);
  if (address !== null) {
    if (wildcard) throw new AllowedHostsSpecError(entry, 'a wildcard cannot cover IP addresses');
    return { kind: 'address', host: address, port, entry };
  }
  const name = normalizeHostName(entry, hostText);
  if (!wildcard) return { kind: 'name', host: name, port, entry };
  if (!name.includes('.')) {
    throw new AllowedHostsSpecError(entry, 'a wildcard must leave at least two labels (*.example.com)');
  }
  return { kind: 'wildcard', host: `.${name}`, port, entry };
}

function parsePort(entry: string, text: string | undefined): number | null {
  if (text === undefined || text === '*') return null;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AllowedHostsSpecError(entry, `port ${text} is outside 1-65535`);
  }
  return port;
}

/** Lower case, IDNA (punycode) and no trailing dot: the spelling the URL parser gives a request's host. */
function normalizeHostName(entry: string, hostText: string): string {
  let host: string;
  try {
    host = new URL(`http://${hostText}/`).hostname;
  } catch {
    throw new AllowedHostsSpecError(entry, 'not a valid host name');
  }
  // The URL parser reads some names as IPv4 (`127.1`, `0x7f.1`); those must be written as addresses.
  if (canonicalAddress(host) !== null) {
    throw new AllowedHostsSpecError(entry, `reads as the IP address ${host}; write the address itself`);
  }
  const name = stripTrailingDot(host);
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)) {
    throw new AllowedHostsSpecError(entry, 'a host name has only letters, digits, hyphens and dots');
  }
  return name;
}

const stripTrailingDot = (host: string): string => (host.endsWith('.') ? host.slice(0, -1) : host);

export function defaultPort(url: URL): number {
  return url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** The allow-list entry that covers `url`'s host and port, preferring exact entries over wildcards. */
export function matchAllowedHost(allowed: AllowedHosts, url: URL): HostMatch | null {
  const port = defaultPort(url);
  const portOk = (rule: AllowedHostRule): boolean => rule.port === null || rule.port === port;
  const address = canonicalAddress(url.hostname);
  if (address !== null) {
    // IP literals are reached only when listed exactly.
    const listed = allowed.rules.some(
      (rule) => rule.kind === 'address' && rule.host === address && portOk(rule),
    );
    return listed ? { explicit: true } : null;
  }
  const host = stripTrailingDot(url.hostname);
  if (allowed.rules.some((rule) => rule.kind === 'name' && rule.host === host && portOk(rule))) {
    return { explicit: true };
  }
  const byWildcard = allowed.rules.some(
    (rule) =>
      rule.kind === 'wildcard' && host.endsWith(rule.host) && host.length > rule.host.length && portOk(rule),
  );
  return byWildcard ? { explicit: false } : null;
}

/**
 * Whether a callback to a host matched by `match` may connect to `address` (what its name resolved to):
 * public addresses always; loopback, private, link-local and the like only when the host was listed
 * exactly or the address itself (with that port, where the entry names one) is listed.
 */
export function isAddressAllowed(
  allowed: AllowedHosts,
  match: HostMatch,
  address: string,
  port: number,
): boolean {
  if (match.explicit || isPublicAddress(address)) return true;
  const canonical = canonicalAddress(address);
  return allowed.rules.some(
    (rule) =>
      rule.kind === 'address' && rule.host === canonical && (rule.port === null || rule.port === port),
  );
}

/**
 * Checks a client's callback URL against the operator's allow-list and returns it parsed. Refuses, with a
 * CallbackNotAllowedError saying why: any URL while the list is empty (the feature is off), anything but
 * http/https, URLs carrying a user name or password, and hosts no entry covers. The address the host resolves
 * to is checked again at delivery time (see WebhookDispatcher), since DNS can change in between.
 */
export function checkCallbackUrl(url: string, allowed: AllowedHosts): URL {
  if (allowed.rules.length === 0) {
    throw new CallbackNotAllowedError(
      'callback_url is not accepted: this server allows no callback hosts (its allow-list is empty)',
      'disabled',
    );
  }
  if (typeof url !== 'string' || url.length > MAX_CALLBACK_URL_LENGTH) {
    throw new CallbackNotAllowedError(
      `callback_url must be a URL of at most ${MAX_CALLBACK_URL_LENGTH} characters`,
      'invalid-url',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CallbackNotAllowedError('callback_url is not a valid absolute URL', 'invalid-url');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CallbackNotAllowedError(
      `callback_url must use http or https, not ${parsed.protocol.slice(0, -1)}`,
      'scheme',
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw new CallbackNotAllowedError('callback_url must not contain a user name or password', 'credentials');
  }
  if (!matchAllowedHost(allowed, parsed)) {
    throw new CallbackNotAllowedError(
      `callback_url host ${parsed.host} is not among this server's allowed callback hosts`,
      'host-not-allowed',
    );
  }
  return parsed;
}
