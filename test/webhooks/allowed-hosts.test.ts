import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AllowedHostsSpecError,
  CallbackNotAllowedError,
  checkCallbackUrl,
  isAddressAllowed,
  matchAllowedHost,
  nonPublicAddressKind,
  parseAllowedHosts,
  type CallbackRefusal,
} from '../../libs/webhooks';

function refusal(url: string, spec: string): CallbackRefusal | null {
  try {
    checkCallbackUrl(url, parseAllowedHosts(spec));
    return null;
  } catch (error) {
    assert.ok(error instanceof CallbackNotAllowedError, `unexpected error ${String(error)}`);
    return error.reason;
  }
}

describe('checkCallbackUrl', () => {
  test('disabled by default: an empty or blank allow-list refuses every URL, saying so', () => {
    for (const spec of [undefined, null, '', '  , ']) {
      const allowed = parseAllowedHosts(spec);
      assert.equal(allowed.rules.length, 0);
      assert.throws(
        () => checkCallbackUrl('https://hooks.example.com/x', allowed),
        (error: unknown) =>
          error instanceof CallbackNotAllowedError &&
          error.reason === 'disabled' &&
          /allow-list is empty/.test(error.message),
      );
    }
  });

  test('an exact host allows that host on any port, and nothing else', () => {
    const spec = 'hooks.example.com';
    assert.equal(refusal('https://hooks.example.com/cb', spec), null);
    assert.equal(refusal('http://hooks.example.com:9000/cb?x=1', spec), null);
    assert.equal(
      refusal('https://HOOKS.Example.COM./cb', spec),
      null,
      'case and a trailing dot do not matter',
    );
    assert.equal(refusal('https://evil.hooks.example.com/cb', spec), 'host-not-allowed');
    assert.equal(refusal('https://hooks.example.com.evil.net/cb', spec), 'host-not-allowed');
    assert.equal(refusal('https://example.com/cb', spec), 'host-not-allowed');
  });

  test('host:port allows only that port (default ports count)', () => {
    const spec = 'hooks.example.com:8443, other.example.com:443, any.example.com:*';
    assert.equal(refusal('https://hooks.example.com:8443/', spec), null);
    assert.equal(refusal('https://hooks.example.com/', spec), 'host-not-allowed');
    assert.equal(refusal('http://hooks.example.com:8080/', spec), 'host-not-allowed');
    assert.equal(refusal('https://other.example.com/', spec), null);
    assert.equal(refusal('http://other.example.com/', spec), 'host-not-allowed', 'http means port 80');
    assert.equal(refusal('http://any.example.com:1234/', spec), null);
  });

  test('*.example.com covers subdomains at any depth, not the domain itself nor look-alikes', () => {
    const spec = '*.example.com';
    assert.equal(refusal('https://a.example.com/', spec), null);
    assert.equal(refusal('https://a.b.example.com:8080/', spec), null);
    assert.equal(refusal('https://example.com/', spec), 'host-not-allowed');
    assert.equal(refusal('https://badexample.com/', spec), 'host-not-allowed');
    assert.equal(refusal('https://a.example.com.evil.net/', spec), 'host-not-allowed');
    assert.equal(refusal('https://a.example.org/', spec), 'host-not-allowed');
    assert.equal(refusal('https://a.example.com:8443/', '*.example.com:443'), 'host-not-allowed');
    // The wildcard match is on the URL parser's host, so other spellings of an address stay out.
    assert.equal(refusal('http://2130706433/', spec), 'host-not-allowed');
  });

  test('IP literals only when listed exactly, in whatever spelling', () => {
    assert.equal(refusal('http://127.0.0.1:8080/', '127.0.0.1'), null);
    assert.equal(refusal('http://127.0.0.1:8080/', '127.0.0.1:8080'), null);
    assert.equal(refusal('http://127.0.0.1:8081/', '127.0.0.1:8080'), 'host-not-allowed');
    assert.equal(refusal('http://127.0.0.2/', '127.0.0.1'), 'host-not-allowed');
    // 2130706433 and 0x7f.1 are 127.0.0.1 to the URL parser.
    assert.equal(refusal('http://2130706433/', '127.0.0.1'), null);
    assert.equal(refusal('http://0x7f.1/', '*.example.com'), 'host-not-allowed');
    assert.equal(refusal('http://[::1]:9000/', '[::1]:9000'), null);
    assert.equal(refusal('http://[0:0::1]/', '::1'), null);
    assert.equal(refusal('http://[::1]/', '127.0.0.1'), 'host-not-allowed');
    assert.equal(refusal('http://localhost/', '127.0.0.1'), 'host-not-allowed', 'a name is not its address');
    assert.equal(refusal('http://10.0.0.7/', '*.example.com'), 'host-not-allowed');
  });

  test('user info in the URL is refused, even for an allowed host', () => {
    assert.equal(refusal('https://user:pass@hooks.example.com/', 'hooks.example.com'), 'credentials');
    assert.equal(refusal('https://user@hooks.example.com/', 'hooks.example.com'), 'credentials');
    // The classic confusion: the real host is after the @.
    assert.equal(refusal('https://hooks.example.com@evil.net/', 'hooks.example.com'), 'credentials');
  });

  test('only http and https', () => {
    const spec = 'hooks.example.com';
    for (const url of [
      'ftp://hooks.example.com/x',
      'file:///etc/passwd',
      'ws://hooks.example.com/',
      'gopher://hooks.example.com:70/',
      'javascript:alert(1)',
      'data:text/plain,hi',
    ]) {
      assert.equal(refusal(url, spec), 'scheme', url);
    }
  });

  test('malformed and over-long URLs', () => {
    const spec = 'hooks.example.com';
    for (const url of ['', 'not a url', '/relative/path', 'http://']) {
      assert.equal(refusal(url, spec), 'invalid-url', url);
    }
    assert.equal(refusal(`https://hooks.example.com/${'a'.repeat(2100)}`, spec), 'invalid-url');
  });

  test('returns the parsed URL', () => {
    const url = checkCallbackUrl(
      'https://Hooks.Example.com:8443/cb?id=7',
      parseAllowedHosts('hooks.example.com'),
    );
    assert.equal(url.hostname, 'hooks.example.com');
    assert.equal(url.port, '8443');
    assert.equal(url.search, '?id=7');
  });
});

describe('parseAllowedHosts', () => {
  test('reads names, wildcards, ports and addresses, separated by commas or spaces', () => {
    const { rules } = parseAllowedHosts(
      'a.example.com, *.corp.example.org:8443\n10.0.0.7 [FD00::7]:9000 fd00::8',
    );
    assert.deepEqual(
      rules.map(({ kind, host, port }) => ({ kind, host, port })),
      [
        { kind: 'name', host: 'a.example.com', port: null },
        { kind: 'wildcard', host: '.corp.example.org', port: 8443 },
        { kind: 'address', host: '10.0.0.7', port: null },
        { kind: 'address', host: 'fd00:0:0:0:0:0:0:7', port: 9000 },
        { kind: 'address', host: 'fd00:0:0:0:0:0:0:8', port: null },
      ],
    );
  });

  test('international names are matched in their ASCII form', () => {
    const allowed = parseAllowedHosts('hooks.b\u00fccher.example');
    assert.equal(allowed.rules[0].host, 'hooks.xn--bcher-kva.example');
    assert.ok(matchAllowedHost(allowed, new URL('https://hooks.b\u00fccher.example/')));
  });

  test('refuses entries that would be unsafe or mean something else', () => {
    for (const entry of [
      '*',
      '*.com',
      '*.10.0.0.1',
      'https://hooks.example.com',
      'hooks.example.com/path',
      'user@hooks.example.com',
      'hooks.example.com:0',
      'hooks.example.com:70000',
      'hooks.example.com:http',
      '127.1',
      'example.com:1:2',
      '*.*.example.com',
      'bad!.example.com',
    ]) {
      assert.throws(() => parseAllowedHosts(entry), AllowedHostsSpecError, entry);
    }
  });
});

describe('resolved addresses', () => {
  test('classifies non-public addresses, IPv4 inside IPv6 included', () => {
    const cases: [string, string | null][] = [
      ['127.0.0.1', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.32.0.1', null],
      ['192.168.1.1', 'private'],
      ['169.254.169.254', 'link-local'],
      ['100.64.0.1', 'shared (carrier-grade NAT)'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.1', 'multicast'],
      ['93.184.216.34', null],
      ['8.8.8.8', null],
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['fe80::1%eth0', 'link-local'],
      ['fd12:3456::1', 'unique local (private)'],
      ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
      ['::ffff:7f00:1', 'IPv4-mapped loopback'],
      ['::ffff:8.8.8.8', null],
      ['64:ff9b::a9fe:a9fe', 'NAT64 link-local'],
      ['2002:c0a8:0101::1', '6to4 private'],
      ['2606:4700:4700::1111', null],
      ['example.com', 'not an IP address'],
    ];
    for (const [address, kind] of cases) assert.equal(nonPublicAddressKind(address), kind, address);
  });

  test('private addresses pass only for exactly listed hosts or listed addresses', () => {
    const allowed = parseAllowedHosts('*.example.com internal.example.com 10.0.0.9:8080');
    const wildcard = matchAllowedHost(allowed, new URL('https://x.example.com/'));
    const exact = matchAllowedHost(allowed, new URL('https://internal.example.com/'));
    assert.deepEqual(wildcard, { explicit: false });
    assert.deepEqual(exact, { explicit: true });
    assert.ok(wildcard && isAddressAllowed(allowed, wildcard, '93.184.216.34', 443));
    assert.ok(wildcard && !isAddressAllowed(allowed, wildcard, '10.0.0.5', 443));
    assert.ok(wildcard && !isAddressAllowed(allowed, wildcard, '::ffff:10.0.0.5', 443));
    assert.ok(wildcard && isAddressAllowed(allowed, wildcard, '10.0.0.9', 8080));
    assert.ok(wildcard && !isAddressAllowed(allowed, wildcard, '10.0.0.9', 443), 'the listed port binds');
    assert.ok(exact && isAddressAllowed(allowed, exact, '10.0.0.5', 443));
  });
});
