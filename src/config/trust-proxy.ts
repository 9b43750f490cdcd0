import { isIP } from 'node:net';
import { ParsesWith } from './parses-with.validator';

/** Express's `trust proxy` setting: off, every hop, a number of hops, or the proxies' addresses. */
export type TrustProxy = boolean | number | string[];

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * TRUST_PROXY: `loopback` (default: a proxy on this host, as deploy/Caddyfile), a comma-separated list of
 * addresses, subnets (`10.0.0.0/8`) and the names loopback/linklocal/uniquelocal, a number of hops, or
 * `false` (use the socket's address) / `true` (trust any X-Forwarded-For: only behind a proxy that
 * overwrites it). The client address it yields keys the rate limits of requests without a token.
 */
export function parseTrustProxy(text: string): TrustProxy {
  const value = text.trim().toLowerCase();
  if (value === '' || value === 'false' || value === 'off' || value === 'none') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(/[\s,]+/).filter((entry) => entry !== '');
  for (const entry of entries) {
    if (!NAMED_RANGES.includes(entry) && !isAddressOrSubnet(entry)) {
      throw new Error(`"${entry}" is not an address, a subnet or one of ${NAMED_RANGES.join(', ')}`);
    }
  }
  return entries;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The value parses as a TRUST_PROXY setting, so a typo stops the server at start-up. */
export function TrustProxySpec(): PropertyDecorator {
  return ParsesWith('trustProxySpec', parseTrustProxy, 'not a trust proxy setting');
}
