import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { readWavFile } from '../../libs/audio';
import { writeTruncatedFlac } from '../support/media';
import { fixtures, models, skipUnlessPresent } from '../support/shared-files';
import { assertCompletedShape, assertWarnings } from './support/contract-shapes';
import { pollUntilDone, submit } from './support/http-client';
import { type RunningServer, startServer, TEST_TOKEN } from './support/server-process';

const SOURCE = fixtures.audio('conv-en-2spk.wav');
const AUTH = `Bearer ${TEST_TOKEN}`;
const skip = skipUnlessPresent(models.whisperTiny, models.segmentation, SOURCE);

/** Both lengths of a shortfall warning, in seconds. */
function shortfall(warnings: string[]): { decoded: number; declared: number } {
  assert.equal(warnings.length, 1, warnings.join(' | '));
  const match = /^decoded (\d+\.\d) s of the (\d+\.\d) s the file declares: .*invalid residual/.exec(
    warnings[0],
  );
  assert.ok(match, warnings[0]);
  return { decoded: Number(match[1]), declared: Number(match[2]) };
}

describe('a file that decodes only in part completes, and says so', { skip }, () => {
  let server: RunningServer;
  let work: string;
  let cut: string;
  let whole: string;
  let sourceSeconds: number;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'partial-decode-e2e-'));
    cut = path.join(work, 'cut.flac');
    writeTruncatedFlac(SOURCE, cut, 0.6);
    whole = path.join(work, 'whole.flac');
    writeTruncatedFlac(SOURCE, whole, 1);
    sourceSeconds = readWavFile(SOURCE).samples.length / 16000;
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('GET /result: the results of what decoded, and a warning with both lengths', async () => {
    const accepted = await submit(server.baseUrl, AUTH, cut, { language: 'en' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    const body = await pollUntilDone(server.baseUrl, AUTH, accepted.body.task_id as string);
    assertCompletedShape(body);
    assertWarnings(body.warnings);
    const { decoded, declared } = shortfall(body.warnings);
    assert.equal(declared, Number(sourceSeconds.toFixed(1)));
    assert.ok(decoded > 5 && decoded < declared - 5, `decoded ${decoded} s`);
  });

  test('the same file whole: exactly the old shape, no warnings key', async () => {
    const accepted = await submit(server.baseUrl, AUTH, whole, { language: 'en' });
    const body = await pollUntilDone(server.baseUrl, AUTH, accepted.body.task_id as string);
    assertCompletedShape(body);
    assert.equal('warnings' in body, false, JSON.stringify(body));
  });

  test('POST /diarize: the turns of what decoded, and the warning', async () => {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(cut)]), 'cut.flac');
    const response = await fetch(`${server.baseUrl}/diarize`, {
      method: 'POST',
      body: form,
      headers: { Authorization: AUTH },
    });
    const accepted = (await response.json()) as { task_id: string };
    assert.equal(response.status, 200, JSON.stringify(accepted));
    const body = await pollUntilDone(server.baseUrl, AUTH, accepted.task_id);
    assert.equal(body.status, 'completed', JSON.stringify(body));
    assertWarnings(body.warnings);
    shortfall(body.warnings);
  });

  test('the OpenAI endpoint: verbose_json and json carry the warning as a top-level key', async () => {
    const client = new OpenAI({ baseURL: `${server.baseUrl}/v1`, apiKey: TEST_TOKEN, maxRetries: 0 });
    const verbose = await client.audio.transcriptions.create({
      file: createReadStream(cut),
      model: 'whisper-1',
      response_format: 'verbose_json',
      language: 'en',
    });
    const { warnings } = verbose as unknown as { warnings?: string[] };
    assertWarnings(warnings);
    shortfall(warnings);
    const json = await client.audio.transcriptions.create({
      file: createReadStream(cut),
      model: 'whisper-1',
    });
    assertWarnings((json as unknown as { warnings?: string[] }).warnings);
  });
});
