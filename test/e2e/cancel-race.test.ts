import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeWavFile } from '../../libs/audio';
import { loopedSpeech, SPEECH_FIXTURE } from '../reliability/support/audio-clips';
import { models, skipUnlessPresent } from '../support/shared-files';
import { getJson, submit } from './support/http-client';
import { type RunningServer, sleep, startServer, TEST_TOKEN } from './support/server-process';

const AUTH = `Bearer ${TEST_TOKEN}`;
const ROUNDS = 5;
const skip = skipUnlessPresent(models.whisperTiny, models.sileroVad, models.segmentation, SPEECH_FIXTURE);

/** Resolves with the line the worker logged when it let go of the task (cancelled, failed or completed). */
async function taskEnd(server: RunningServer, taskId: string, timeoutMs = 60_000): Promise<string> {
  // The API's own line ("cancelled by its owner") does not count: the worker's says after how long.
  const pattern = new RegExp(`task ${taskId} (cancelled (after|before)|failed after|completed in)[^"]*`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(server.output());
    if (match) return match[0];
    await sleep(50);
  }
  throw new Error(`the worker never let go of ${taskId}:\n${server.output().slice(-3000)}`);
}

describe('DELETE /result while the job decodes (issue 12, item 1)', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'e2e-cancel-race-'));
  const longWav = path.join(work, 'ten-minutes.wav');
  let server: RunningServer;

  before(async () => {
    // Ten minutes of real speech: ffmpeg is still reading it when the task first shows processing.
    writeWavFile(longWav, loopedSpeech(600));
    server = await startServer({ LOG_LEVEL: 'info', RATE_LIMIT_POLLS_PER_MINUTE: '0' });
  });
  after(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test(`cancelling as soon as the task shows processing never stores a result (${ROUNDS} rounds)`, async (t) => {
    for (let round = 0; round < ROUNDS; round++) {
      const created = await submit(server.baseUrl, AUTH, longWav, { language: 'en' });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      const taskId = created.body.task_id as string;
      const resultUrl = `${server.baseUrl}/result/${taskId}`;
      let seen: Record<string, unknown> = {};
      const deadline = Date.now() + 60_000;
      while (seen.status !== 'processing') {
        assert.ok(Date.now() < deadline, `never processing: ${JSON.stringify(seen)}`);
        seen = (await getJson(resultUrl, { Authorization: AUTH })).body;
        assert.ok(seen.status === 'pending' || seen.status === 'processing', JSON.stringify(seen));
      }
      const cancel = await fetch(resultUrl, { method: 'DELETE', headers: { Authorization: AUTH } });
      assert.equal(cancel.status, 200);
      t.diagnostic(`round ${round + 1}: cancelled while ${String(seen.info)}`);

      const ended = await taskEnd(server, taskId);
      t.diagnostic(`round ${round + 1}: the worker logged "${ended}"`);
      assert.match(ended, /cancelled/, `the worker reported: ${ended}`);
      // Nothing stored, now or a moment later: the owner sees what DESIGN.md documents, pending.
      await sleep(500);
      assert.equal(await server.redis.exists(`${server.prefix}:result:${taskId}`), 0, 'no result stored');
      assert.deepEqual((await getJson(resultUrl, { Authorization: AUTH })).body, { status: 'pending' });
      assert.ok(!server.uploadsLeft().includes(taskId), 'the upload is gone');
    }
    // No log line or answer names a file of the server.
    assert.doesNotMatch(server.output(), /No such file or directory/);
    assert.ok(!server.output().includes(server.uploadDir), 'the upload folder never appears in the logs');
  });
});
