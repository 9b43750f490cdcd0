import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixtures, models, repoRoot, skipUnlessPresent } from '../support/shared-files';
import { collectEvents, openEvents } from './support/event-stream-client';
import { freePort, type RunningServer, sleep, startServer, TEST_TOKEN } from './support/server-process';

// deploy/Caddyfile in front of the API on loopback, as deploy/README.md sets it up. Clients come from two
// loopback addresses (127.0.0.2 and 127.0.0.3), which the API can tell apart only through Caddy's
// X-Forwarded-For and TRUST_PROXY's default.
const AUDIO = fixtures.audio('conv-en-2spk.wav');
const hasCaddy = spawnSync('sh', ['-c', 'command -v caddy']).status === 0;
const skip = hasCaddy
  ? skipUnlessPresent(models.whisperTiny, models.segmentation, AUDIO)
  : 'caddy is not installed (scripts/setup.sh installs it)';

interface Reply {
  status: number;
  body: string;
  reusedSocket: boolean;
}

/** One HTTP request from a chosen local address (fetch cannot bind one). */
async function request(
  url: string,
  options: {
    from: string;
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer;
    agent?: http.Agent;
  },
): Promise<Reply> {
  const outgoing = http.request(url, {
    method: options.method ?? 'GET',
    headers: options.headers,
    localAddress: options.from,
    agent: options.agent,
  });
  outgoing.end(options.body);
  const [response] = (await once(outgoing, 'response')) as [http.IncomingMessage];
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return {
    status: response.statusCode ?? 0,
    body: Buffer.concat(chunks).toString('utf8'),
    reusedSocket: outgoing.reusedSocket,
  };
}

/** A multipart upload body for POST /transcribe, as a browser or curl -F sends it. */
async function uploadForm(file: string, bytes = readFileSync(file)): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), path.basename(file));
  const encoded = new Request('http://form.invalid/', { method: 'POST', body: form });
  return { body: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get('content-type') ?? '' };
}

/** deploy/Caddyfile on a loopback port without TLS, its upstream the test's API; every directive kept. */
function testCaddyfile(caddyPort: number, apiPort: number): string {
  const deployed = readFileSync(path.join(repoRoot, 'deploy', 'Caddyfile'), 'utf8');
  const adapted = deployed
    .replace(/^\{\n/m, '{\n\tadmin off\n\tauto_https off\n')
    .replace(/^[a-z0-9.-]+\.[a-z]+ \{$/m, `http://127.0.0.1:${caddyPort} {\n\tbind 127.0.0.1`)
    .replace(/reverse_proxy 127\.0\.0\.1:8088\b/, `reverse_proxy 127.0.0.1:${apiPort}`);
  assert.notEqual(adapted, deployed);
  assert.match(adapted, new RegExp(`reverse_proxy 127\\.0\\.0\\.1:${apiPort}`));
  return adapted;
}

describe('the API behind deploy/Caddyfile', { skip }, () => {
  let api: RunningServer;
  let caddy: ChildProcess;
  let caddyOutput = '';
  let proxied: string;
  const work = mkdtempSync(path.join(tmpdir(), 'e2e-caddy-'));

  before(async () => {
    api = await startServer({ RATE_LIMIT_UPLOADS_PER_MINUTE: '2' });
    const caddyPort = await freePort();
    const config = path.join(work, 'Caddyfile');
    writeFileSync(config, testCaddyfile(caddyPort, api.port));
    caddy = spawn('caddy', ['run', '--config', config, '--adapter', 'caddyfile'], {
      // Caddy keeps its state under XDG_DATA_HOME / HOME: a scratch folder, not the user's.
      env: { PATH: process.env.PATH, HOME: work, XDG_DATA_HOME: work, XDG_CONFIG_HOME: work },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      caddyOutput = (caddyOutput + chunk.toString('utf8')).slice(-20_000);
    };
    caddy.stdout?.on('data', collect);
    caddy.stderr?.on('data', collect);
    proxied = `http://127.0.0.1:${caddyPort}`;
    for (let attempt = 0; ; attempt++) {
      if (caddy.exitCode !== null) throw new Error(`caddy exited ${caddy.exitCode}:\n${caddyOutput}`);
      const answer = await request(`${proxied}/health`, { from: '127.0.0.1' }).catch(() => null);
      if (answer?.status === 200) break;
      if (attempt > 150) throw new Error(`caddy did not proxy /health:\n${caddyOutput}`);
      await sleep(100);
    }
  });
  after(async () => {
    if (caddy && caddy.exitCode === null) {
      caddy.kill('SIGTERM');
      await once(caddy, 'exit');
    }
    await api?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('an upload through Caddy, then a ?wait long-poll that returns the finished result', async () => {
    const { body, type } = await uploadForm(AUDIO);
    const headers = { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': type };
    const accepted = await request(`${proxied}/transcribe`, {
      from: '127.0.0.2',
      method: 'POST',
      headers,
      body,
    });
    assert.equal(accepted.status, 200, accepted.body);
    const taskId = (JSON.parse(accepted.body) as { task_id: string }).task_id;
    assert.match(taskId, /^[0-9a-f-]{36}$/);

    // One held request per round, answered as soon as the task is done (or after 30 s, still pending).
    let result: { status: string; results?: unknown[] } = { status: 'pending' };
    for (let round = 0; round < 6 && !['completed', 'failed'].includes(result.status); round++) {
      const answer = await request(`${proxied}/result/${taskId}?wait=30`, {
        from: '127.0.0.2',
        headers: { Authorization: `Bearer ${TEST_TOKEN}` },
      });
      assert.equal(answer.status, 200, answer.body);
      result = JSON.parse(answer.body) as typeof result;
    }
    assert.equal(result.status, 'completed', JSON.stringify(result));
    assert.ok(Array.isArray(result.results));
  });

  test('the page and its assets load through Caddy, and the event stream passes unbuffered to its final event', async () => {
    const page = await fetch(`${proxied}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    // Relative URLs only: the page works behind any proxy, under a sub-path too.
    assert.doesNotMatch(html, /(src|href)="\//);
    for (const asset of ['web/app.js', 'web/style.css', 'web/languages.json']) {
      assert.equal((await fetch(`${proxied}/${asset}`)).status, 200, asset);
    }

    const { body, type } = await uploadForm(AUDIO);
    const accepted = await request(`${proxied}/transcribe`, {
      from: '127.0.0.2',
      method: 'POST',
      headers: { Authorization: `Bearer ${TEST_TOKEN}`, 'Content-Type': type },
      body,
    });
    assert.equal(accepted.status, 200, accepted.body);
    const taskId = (JSON.parse(accepted.body) as { task_id: string }).task_id;
    const stream = await openEvents(proxied, taskId, TEST_TOKEN);
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = await collectEvents(stream);
    assert.equal(events.at(-1)?.event, 'completed', events.map((event) => event.event).join());
    // Each event arrives when it is sent, not when the response ends (compression or buffering would hold it).
    assert.ok(
      (events.at(-1)?.at ?? 0) - events[0].at > 1000,
      `first event ${events[0].at}, completed ${events.at(-1)?.at}`,
    );
    const again = await request(`${proxied}/result/${taskId}`, {
      from: '127.0.0.2',
      headers: { Authorization: `Bearer ${TEST_TOKEN}` },
    });
    assert.deepEqual(JSON.parse(again.body), { status: 'pending' }, 'delivered by the stream');
  });

  test('requests without a token are rate-limited per client address, which a forged header cannot change', async () => {
    const { body, type } = await uploadForm(AUDIO, Buffer.from('not audio'));
    const upload = (from: string, extra: Record<string, string> = {}): Promise<Reply> =>
      request(`${proxied}/transcribe`, {
        from,
        method: 'POST',
        headers: { 'Content-Type': type, ...extra },
        body,
      });
    // The limit (2 a minute) is checked before authentication: 401 while within it, 429 past it.
    assert.equal((await upload('127.0.0.2')).status, 401);
    assert.equal((await upload('127.0.0.2')).status, 401);
    assert.equal((await upload('127.0.0.2')).status, 429, 'the third from 127.0.0.2');
    assert.equal((await upload('127.0.0.3')).status, 401, '127.0.0.3 has its own budget');
    // Caddy replaces a client's X-Forwarded-For: pretending to be the exhausted 127.0.0.2 (or anyone) does
    // not move 127.0.0.3 into another budget.
    assert.equal((await upload('127.0.0.3', { 'X-Forwarded-For': '127.0.0.2' })).status, 401);
    assert.equal((await upload('127.0.0.3', { 'X-Forwarded-For': '10.9.8.7' })).status, 429);
  });

  test("the API keeps an idle keep-alive connection past Node's default 5 s, as a proxy reusing it expects", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await request(`${api.baseUrl}/health`, { from: '127.0.0.1', agent });
      assert.equal(first.status, 200);
      await sleep(6000);
      const second = await request(`${api.baseUrl}/health`, { from: '127.0.0.1', agent });
      assert.equal(second.status, 200);
      assert.equal(second.reusedSocket, true, 'the same connection, still open after 6 s idle');
    } finally {
      agent.destroy();
    }
  });
});
