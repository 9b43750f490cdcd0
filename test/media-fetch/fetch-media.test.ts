import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  fetchMedia,
  type FetchMediaOptions,
  MediaFetchError,
  type MediaFetchRefusal,
} from '../../libs/media-fetch';
import { parseAllowedHosts, type ResolveHost } from '../../libs/webhooks';
import { fixtures, skipUnlessPresent } from '../support/shared-files';
import { type MediaServer, startMediaServer } from './media-server';

const WAV = fixtures.audio('conv-en-2spk.wav');
const skip = skipUnlessPresent(WAV);

describe('fetchMedia against a real loopback server', { skip }, () => {
  let server: MediaServer;
  let audio: Buffer;
  let dir: string;
  let count = 0;
  const limit = 2_000_000;

  before(async () => {
    audio = readFileSync(WAV);
    assert.ok(audio.length < limit);
    server = await startMediaServer(audio, limit);
    dir = mkdtempSync(path.join(tmpdir(), 'media-fetch-'));
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (hosts: string, more: Partial<FetchMediaOptions> = {}): FetchMediaOptions => ({
    allowedHosts: parseAllowedHosts(hosts),
    maxBytes: limit,
    timeoutMs: 5000,
    ...more,
  });
  const target = (): string => path.join(dir, `file-${count++}`);

  async function refused(
    url: string,
    opts: FetchMediaOptions,
    reason: MediaFetchRefusal,
  ): Promise<MediaFetchError> {
    const destination = target();
    const error = await fetchMedia(url, destination, opts).then(
      () => assert.fail(`${url} was fetched`),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof MediaFetchError, String(error));
    assert.equal(error.reason, reason, error.message);
    assert.ok(!existsSync(destination), 'no partial file is left');
    assert.ok(!error.message.includes(dir), 'the message names no local path');
    return error;
  }

  test('fetches the media to a new file, through a redirect on the same host, with or without a length', async () => {
    const allowed = options(`127.0.0.1:${server.port}`);
    for (const url of ['/media/conv.wav', '/media/chunked.wav', '/redirect/same-host']) {
      const destination = target();
      const fetched = await fetchMedia(server.url(url), destination, allowed);
      assert.equal(fetched.bytes, audio.length);
      assert.ok(readFileSync(destination).equals(audio), url);
    }
    const named = await fetchMedia(server.url('/media/conv.wav?sig=abc'), target(), allowed);
    assert.equal(named.fileName, 'conv.wav');
  });

  test('each redirect is checked again: another host name, another port, a loop', async () => {
    const allowed = options(`127.0.0.1:${server.port}`);
    const byName = await refused(server.url('/redirect/host-name'), allowed, 'host-not-allowed');
    assert.match(byName.message, /redirect target host localhost/);
    await refused(server.url('/redirect/other-port'), allowed, 'host-not-allowed');
    await refused(server.url('/redirect/loop'), { ...allowed, maxRedirects: 3 }, 'too-many-redirects');
  });

  test('a name allowed by a wildcard that resolves to loopback is refused unless the address is listed', async () => {
    // A DNS that answers 127.0.0.1 for the media host: the guard sees the resolved address.
    const resolve: ResolveHost = async () => [{ address: '127.0.0.1', family: 4 }];
    const url = `http://media.example.test:${server.port}/media/conv.wav`;
    const error = await refused(url, options('*.example.test', { resolve }), 'private-address');
    assert.match(error.message, /loopback/);
    assert.ok(!error.message.includes('127.0.0.1'), 'the internal address is not told');
    const fetched = await fetchMedia(url, target(), options('*.example.test 127.0.0.1', { resolve }));
    assert.equal(fetched.bytes, audio.length);
    // Listed by its exact name, the host may be private.
    assert.equal(
      (await fetchMedia(url, target(), options(`media.example.test:${server.port}`, { resolve }))).bytes,
      audio.length,
    );
  });

  test('size, time, status and URL limits', async () => {
    const allowed = options(`127.0.0.1:${server.port}`);
    const before = server.requests.length;
    await refused(server.url('/big/declared'), allowed, 'too-large');
    await refused(server.url('/big/chunked'), allowed, 'too-large');
    const started = Date.now();
    await refused(server.url('/slow'), { ...allowed, timeoutMs: 600 }, 'timeout');
    assert.ok(Date.now() - started < 3000, 'stopped at the limit');
    await refused(server.url('/missing'), allowed, 'http-status');
    await refused(server.url('/empty'), allowed, 'empty');
    await refused(`http://127.0.0.1:${server.port === 1 ? 2 : 1}/x`, options('127.0.0.1'), 'unreachable');
    await refused('ftp://127.0.0.1/x', allowed, 'scheme');
    await refused(`http://user:pw@127.0.0.1:${server.port}/x`, allowed, 'credentials');
    await refused('not a url', allowed, 'invalid-url');
    await refused(server.url('/media/conv.wav'), options(''), 'disabled');
    assert.equal(server.requests.length - before, 5, 'refused URLs were never requested');
    // Only the complete fetches of the tests above are on disk.
    const sizes = readdirSync(dir).map((name) => statSync(path.join(dir, name)).size);
    assert.equal(sizes.length, 6);
    assert.ok(
      sizes.every((size) => size === audio.length),
      String(sizes),
    );
  });
});
