import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { INestApplicationContext } from '@nestjs/common';
import { type Browser, chromium, type Page } from 'playwright-core';
import { parseSync } from 'subtitle';
import { fixtures, models, repoRoot, skipUnlessPresent } from '../support/shared-files';
import { readVtt } from '../formats/subtitle-parsers';
import { getJson, submit } from './support/http-client';
import { PacedSpeechEngine, startScriptedWorker } from './support/scripted-worker';
import { type RunningServer, startServer, TEST_TOKEN } from './support/server-process';

// The page at / in a real Chromium (Debian's package, which scripts/setup.sh installs), driven by
// playwright-core against a real API process and an in-process worker (real queue, decoder and
// diarization; Whisper scripted from the fixture's reference turns: the shared model transcribes nothing).
const AUDIO = fixtures.audio('conv-en-2spk.wav');
const REFERENCE = fixtures.audio('conv-en-2spk.json');
/** Where the screenshot of the finished page is kept (CI keeps the folder as an artifact). */
const ARTIFACTS = process.env.TEST_ARTIFACTS_DIR ?? path.join(repoRoot, 'test-artifacts');

/**
 * The little of the DOM that the page.evaluate() callbacks below use: the tests compile without the DOM
 * library, and a callback runs in the browser, where it reads `globalThis` cast to this.
 */
interface BrowserElement {
  dataset: Record<string, string | undefined>;
  hidden: boolean;
  textContent: string | null;
  currentTime: number;
}
interface BrowserGlobals {
  document: {
    getElementById(id: string): BrowserElement;
    querySelectorAll(selector: string): Iterable<BrowserElement> & { length: number };
  };
  MutationObserver: new (callback: () => void) => { observe(target: BrowserElement, options: object): void };
  seenStages: string[];
}

/** CHROMIUM_PATH, else the system's chromium. */
function findChromium(): string | null {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
    } catch {
      // next
    }
  }
  return null;
}

const executablePath = findChromium();
const skip = executablePath
  ? skipUnlessPresent(AUDIO, REFERENCE, models.segmentation)
  : 'chromium is not installed (scripts/setup.sh installs it)';

describe('the web page in a real browser', { skip }, () => {
  const prefix = `e2e-web-${randomBytes(5).toString('hex')}`;
  const uploadDir = mkdtempSync(path.join(tmpdir(), 'e2e-web-'));
  const speech = new PacedSpeechEngine(REFERENCE, 250);
  let api: RunningServer;
  let worker: INestApplicationContext;
  let browser: Browser;

  before(async () => {
    api = await startServer({ APP_ROLE: 'api' }, { prefix, uploadDir });
    worker = await startScriptedWorker(speech, { prefix, uploadDir });
    browser = await chromium.launch({
      executablePath: executablePath as string,
      headless: true,
      // Root in CI containers has no user namespaces for Chromium's sandbox.
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  });
  after(async () => {
    await browser?.close();
    await worker?.close();
    const keys = (await api?.redis.keys(`${prefix}:*`)) ?? [];
    if (keys.length > 0) await api.redis.del(...keys);
    await api?.stop();
    rmSync(uploadDir, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1100, height: 900 },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`${message.text()} (${message.location().url})`);
    });
    (page as Page & { problems: string[] }).problems = problems;
    await page.goto(`${api.baseUrl}/`);
    return page;
  }

  const problemsOf = (page: Page): string[] => (page as Page & { problems: string[] }).problems;

  test('upload, live progress and text, then a result matching the API, playable and downloadable', async () => {
    // The same file through the API directly: what the page must show.
    const direct = await submit(api.baseUrl, `Bearer ${TEST_TOKEN}`, AUDIO, { speaker_count: '2' });
    let expected: { status: string; results?: { speaker: number; text: string }[] } = { status: 'pending' };
    while (expected.status !== 'completed') {
      const answer = await getJson(`${api.baseUrl}/result/${direct.body.task_id as string}?wait=30`, {
        Authorization: `Bearer ${TEST_TOKEN}`,
      });
      expected = answer.body as typeof expected;
      assert.notEqual(expected.status, 'failed', JSON.stringify(expected));
    }
    const expectedEntries = expected.results ?? [];
    const expectedSpeakers = new Set(expectedEntries.map((entry) => entry.speaker)).size;
    assert.ok(expectedEntries.length > 0 && expectedSpeakers === 2);

    const page = await openPage();
    // Every stage the page shows, and the live text before the result is there.
    await page.evaluate(() => {
      const browser = globalThis as unknown as BrowserGlobals;
      const panel = browser.document.getElementById('progress-panel');
      const seen: string[] = [];
      browser.seenStages = seen;
      new browser.MutationObserver(() => {
        const stage = panel.dataset.stage ?? '';
        const live = browser.document.querySelectorAll('#live-segments li').length;
        const result = !browser.document.getElementById('result-panel').hidden;
        seen.push(`${stage}:${live}:${result}`);
      }).observe(panel, { attributes: true, subtree: true, childList: true });
    });
    await page.fill('#token', TEST_TOKEN);
    await page.setInputFiles('#file', AUDIO);
    await page.fill('#speaker-count', '2');
    await page.selectOption('#language', 'en');
    await page.click('#submit');
    await page.waitForSelector('#result-panel:not([hidden])', { timeout: 60_000 });

    const seen = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).seenStages);
    const stages = new Set(seen.map((entry) => entry.split(':')[0]));
    for (const stage of ['uploading', 'transcribing', 'diarizing', 'done'])
      assert.ok(stages.has(stage), [...stages].join());
    assert.ok(
      seen.some((entry) => /^transcribing:[1-9]\d*:false$/.test(entry)),
      'text arrived segment by segment while transcribing, before the result',
    );
    assert.equal(await page.locator('#live-segments li').count(), 7, 'every segment, once');

    const shown = await page.evaluate(() => {
      const { document } = globalThis as unknown as BrowserGlobals;
      return {
        entries: document.querySelectorAll('#entries .entry').length,
        lanes: document.querySelectorAll('#timeline .lane').length,
        datasetEntries: Number(document.getElementById('result-panel').dataset.entries),
        texts: [...document.querySelectorAll('#entries .entry .text')].map((node) => node.textContent),
      };
    });
    assert.equal(shown.entries, expectedEntries.length);
    assert.equal(shown.datasetEntries, expectedEntries.length);
    assert.equal(shown.lanes, expectedSpeakers);
    assert.deepEqual(
      shown.texts,
      expectedEntries.map((entry) => entry.text),
    );

    // A click on an entry plays that moment of the chosen file (from the browser's memory).
    const second = page.locator('#entries .entry').nth(1);
    await second.click();
    const playerTime = await page.evaluate(
      () => (globalThis as unknown as BrowserGlobals).document.getElementById('player').currentTime,
    );
    const secondStart = (expectedEntries[1] as unknown as { start: number }).start;
    assert.ok(Math.abs(playerTime - secondStart) < 0.5, `player at ${playerTime}, entry at ${secondStart}`);
    assert.match((await page.getAttribute('#player', 'src')) ?? '', /^blob:/);

    // Renaming a speaker renames it everywhere, downloads included.
    await page.fill('#speakers input[data-speaker="0"]', 'Alice');
    assert.equal(await page.locator('#timeline .lane').first().locator('.lane-name').textContent(), 'Alice');

    const downloaded = async (format: string): Promise<string> => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`[data-format="${format}"]`),
      ]);
      return readFileSync((await download.path()) as string, 'utf8');
    };
    const json = JSON.parse(await downloaded('json')) as {
      results: { speaker: number; speaker_name: string }[];
    };
    assert.equal(json.results.length, expectedEntries.length);
    assert.deepEqual(
      json.results.map((entry) => entry.speaker),
      expectedEntries.map((entry) => entry.speaker),
    );
    assert.ok(json.results.some((entry) => entry.speaker_name === 'Alice'));
    const srt = parseSync(await downloaded('srt')).filter((node) => node.type === 'cue');
    assert.equal(srt.length, expectedEntries.length);
    const vtt = readVtt(await downloaded('vtt'));
    assert.equal(vtt.length, expectedEntries.length);
    const rttm = (await downloaded('rttm')).trim().split('\n');
    assert.equal(rttm.length, expectedEntries.length);
    for (const line of rttm) assert.equal(line.split(' ').length, 10, line);
    assert.ok((await downloaded('txt')).includes('Alice ['));

    assert.deepEqual(problemsOf(page), [], 'no script errors');
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'web-page.png'), await page.screenshot({ fullPage: true }));
    await page.context().close();
  });

  test('a wrong token is shown as a 401 a person understands', async () => {
    const page = await openPage();
    await page.fill('#token', 'not-a-valid-token');
    await page.setInputFiles('#file', AUDIO);
    await page.click('#submit');
    await page.waitForSelector('#error:not([hidden])');
    assert.match((await page.textContent('#error')) ?? '', /refused the token \(401\)/);
    assert.equal(await page.isHidden('#result-panel'), true);
    await page.context().close();
  });

  test('a file that is not audio is shown as a 415 naming what was found', async () => {
    const page = await openPage();
    await page.fill('#token', TEST_TOKEN);
    await page.setInputFiles('#file', {
      name: 'notes.wav',
      mimeType: 'audio/wav',
      buffer: Buffer.from('these are plain-text notes, not audio\n'.repeat(50)),
    });
    await page.click('#submit');
    await page.waitForSelector('#error:not([hidden])');
    assert.match((await page.textContent('#error')) ?? '', /not an accepted audio or video format \(415\)/);
    // The token survives a reload (session storage), so a person pastes it once.
    await page.reload();
    assert.equal(await page.inputValue('#token'), TEST_TOKEN);
    await page.context().close();
  });
});
