import { isIP } from 'node:net';

/** An IP address as its bytes: 4 for IPv4, 16 for IPv6. */
type AddressBytes = Uint8Array;

interface Range {
  bytes: AddressBytes;
  prefix: number;
  kind: string;
}

function range(cidr: string, kind: string): Range {
  const [address, prefix] = cidr.split('/');
  const bytes = addressBytes(address);
  if (!bytes) throw new Error(`bad built-in range ${cidr}`);
  return { bytes, prefix: Number(prefix), kind };
}

// Everything a webhook must not reach unless an operator names it: the host itself, private networks,
// link-local (cloud metadata services live at 169.254.169.254), and ranges that are never a real peer.
const IPV4_RANGES: readonly Range[] = [
  range('0.0.0.0/8', 'unspecified'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'shared (carrier-grade NAT)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignment'),
  range('192.0.2.0/24', 'documentation'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

const IPV6_RANGES: readonly Range[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('100::/64', 'discard'),
  range('2001:db8::/32', 'documentation'),
  range('fc00::/7', 'unique local (private)'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

// IPv6 forms that carry an IPv4 address, which is then what really gets reached.
const EMBEDDED_IPV4: readonly { range: Range; offset: number }[] = [
  { range: range('::ffff:0:0/96', 'IPv4-mapped'), offset: 12 },
  { range: range('::/96', 'IPv4-compatible'), offset: 12 },
  { range: range('64:ff9b::/96', 'NAT64'), offset: 12 },
  { range: range('2002::/16', '6to4'), offset: 2 },
];

/** Drops an IPv6 zone (`fe80::1%eth0`) and URL brackets (`[::1]`). */
export function normalizeAddressText(address: string): string {
  const unbracketed = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const zone = unbracketed.indexOf('%');
  return (zone === -1 ? unbracketed : unbracketed.slice(0, zone)).toLowerCase();
}

/** The bytes of an IPv4 or IPv6 literal, or null when `text` is not one. */
export function addressBytes(text: string): AddressBytes | null {
  const address = normalizeAddressText(text);
  const version = isIP(address);
  if (version === 4) return Uint8Array.from(address.split('.').map(Number));
  if (version === 6) return ipv6Bytes(address);
  return null;
}

function ipv6Bytes(address: string): AddressBytes {
  // A dotted IPv4 tail (::ffff:127.0.0.1) is the last two groups written differently.
  const text = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((g) => g.toString(16)).join(':'),
  );
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const [head, rest] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = parse(head);
  const restGroups = rest === undefined ? [] : parse(rest);
  const zeros = new Array<number>(8 - headGroups.length - restGroups.length).fill(0);
  const bytes = new Uint8Array(16);
  [...headGroups, ...zeros, ...restGroups].forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

function inRange(bytes: AddressBytes, r: Range): boolean {
  if (bytes.length !== r.bytes.length) return false;
  for (let bit = 0; bit < r.prefix; bit += 8) {
    const take = Math.min(8, r.prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[bit / 8] & mask) !== (r.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

/**
 * What kind of non-public address `address` is ("loopback", "private", "link-local", ...), or null when it
 * is a public unicast address. Not an IP literal at all counts as non-public ("not an IP address"), so a
 * caller never lets an unparsed value through.
 */
export function nonPublicAddressKind(address: string): string | null {
  const bytes = addressBytes(address);
  if (!bytes) return 'not an IP address';
  if (bytes.length === 4) return IPV4_RANGES.find((r) => inRange(bytes, r))?.kind ?? null;
  const v6Kind = IPV6_RANGES.find((r) => inRange(bytes, r))?.kind;
  if (v6Kind) return v6Kind;
  for (const { range: embedded, offset } of EMBEDDED_IPV4) {
    if (inRange(bytes, embedded)) {
      const v4 = bytes.slice(offset, offset + 4).join('.');
      const kind = nonPublicAddressKind(v4);
      return kind === null ? null : `${embedded.kind} ${kind}`;
    }
  }
  return null;
}

export const isPublicAddress = (address: string): boolean => nonPublicAddressKind(address) === null;

/** One spelling per address, so `::1`, `0:0::1` and `[::1]` compare equal. */
export function canonicalAddress(address: string): string | null {
  const bytes = addressBytes(address);
  if (!bytes) return null;
  if (bytes.length === 4) return bytes.join('.');
  return Array.from({ length: 8 }, (_, i) => ((bytes[i * 2] << 8) | bytes[i * 2 + 1]).toString(16)).join(':');
}
