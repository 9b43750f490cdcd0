import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';

/** Resolves a host name to every address it has; injectable so tests can play a DNS server. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolve: ResolveHost = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * A `lookup` for http.request that refuses, through `checkAddress` (which throws), any resolved address the
 * policy forbids. Checking inside the connection's own lookup, rather than resolving first and connecting
 * later, leaves no window for a DNS answer to change in between (DNS rebinding). Every address is checked,
 * not only the first, since the socket may try the others.
 */
export function guardedLookup(resolve: ResolveHost, checkAddress: (address: string) => void): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const family = familyNumber(options.family);
        const addresses = family === 0 ? found : found.filter((a) => a.family === family);
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`${hostname} has no address`);
          error.code = 'ENOTFOUND';
          callback(error, '');
          return;
        }
        try {
          addresses.forEach((a) => checkAddress(a.address));
        } catch (error) {
          callback(error as NodeJS.ErrnoException, '');
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

function familyNumber(family: number | string | undefined): number {
  if (family === 'IPv4' || family === 4) return 4;
  if (family === 'IPv6' || family === 6) return 6;
  return 0;
}
