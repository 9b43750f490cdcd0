import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Bull from 'bull';
import { encodeWav } from '../../libs/audio';
import { newTaskId } from '../../src/jobs/task-id';
import { models, skipUnlessPresent } from '../support/shared-files';
import { submit } from '../e2e/support/http-client';
import { type RunningServer, sleep, startServer, TEST_TOKEN } from '../e2e/support/server-process';
import { loopedSpeech, SPEECH_FIXTURE, writeSpeechClip } from './support/audio-clips';
import { Cluster, NO_RATE_LIMITS } from './support/cluster';
import { mountSmallFilesystem, type SmallFilesystem } from './support/small-filesystem';

const AUTH = `Bearer ${TEST_TOKEN}`;
const DISK_MIB = 4;

describe('an upload that fills the upload disk', { skip: skipUnlessPresent(SPEECH_FIXTURE) }, () => {
  const mounted = mountSmallFilesystem(DISK_MIB);
  const disk: SmallFilesystem | null = 'dir' in mounted ? mounted : null;
  const work = mkdtempSync(path.join(tmpdir(), 'reliability-disk-'));
  let server: RunningServer;

  before(async () => {
    if (!disk) return;
    // Only the API: the accepted upload below stays on the disk for the checks.
    server = await startServer(
      { ...NO_RATE_LIMITS, APP_ROLE: 'api', MAX_UPLOAD_BYTES: String(64 * 1024 * 1024) },
      { uploadDir: disk.dir },
    );
  });
  after(async () => {
    await server?.stop();
    disk?.unmount();
    rmSync(work, { recursive: true, force: true });
  });

  const skipped = disk
    ? false
    : `cannot mount a small filesystem here (${(mounted as { reasons: string[] }).reasons.join('; ')})`;

  test(
    `is refused with 507 and leaves no partial file on a ${DISK_MIB} MiB ${disk?.kind ?? ''} disk`,
    { skip: skipped },
    async (t) => {
      assert.ok(disk);
      const usedBefore = disk.usedBytes();
      // Twice the disk: the write fails midway with ENOSPC.
      const big = encodeWav(loopedSpeech((2 * DISK_MIB * 1024 * 1024) / 32000));
      const refused = await submit(server.baseUrl, AUTH, { name: 'big.wav', bytes: big });
      t.diagnostic(`HTTP ${refused.status}: ${String(refused.body.detail)}`);
      assert.equal(refused.status, 507, JSON.stringify(refused.body));
      assert.match(refused.body.detail as string, /no room left to store the upload/);
      assert.deepEqual(server.uploadsLeft(), [], 'the partial file is deleted');
      assert.ok(disk.usedBytes() - usedBefore < 64 * 1024, 'the space is given back');

      // Two at once fail alike, and the disk is usable again as soon as they have. (A small upload sent
      // alongside them may itself meet the full disk and get a 507 too: that is right, but racy to test.)
      const [a, b] = await Promise.all([
        submit(server.baseUrl, AUTH, { name: 'a.wav', bytes: big }),
        submit(server.baseUrl, AUTH, { name: 'b.wav', bytes: big }),
      ]);
      assert.deepEqual([a.status, b.status], [507, 507]);
      const small = readFileSync(writeSpeechClip(path.join(work, 'small.wav'), 1));
      const ok = await submit(server.baseUrl, AUTH, { name: 'small.wav', bytes: small });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(server.uploadsLeft(), [ok.body.task_id], 'only the accepted upload is stored');
      assert.equal((await fetch(`${server.baseUrl}/health`)).status, 200);
    },
  );
});

describe('expired and orphaned uploads are swept', { skip: skipUnlessPresent(models.whisperTiny) }, () => {
  const cluster = new Cluster(undefined, { SEGMENTATION_MODEL_PATH: 'off', VAD_MODEL_PATH: 'off' });
  const ORPHAN_AGE_MS = 4000;
  let queue: Bull.Queue;

  before(async () => {
    queue = new Bull('transcription', cluster.redisUrl, { prefix: cluster.prefix });
    await cluster.startWorker({
      UPLOAD_SWEEP_INTERVAL_MS: '400',
      UPLOAD_ORPHAN_AGE_MS: String(ORPHAN_AGE_MS),
    });
  });
  after(async () => {
    await queue?.close();
    await cluster.stop();
  });

  test('files no job will read go once old enough; files of queued jobs stay', async () => {
    const plant = (name: string, ageMs: number): string => {
      const file = path.join(cluster.uploadDir, name);
      writeFileSync(file, 'upload bytes');
      const when = new Date(Date.now() - ageMs);
      utimesSync(file, when, when);
      return file;
    };
    const hour = 3600_000;
    // A job waiting (delayed an hour) for its old upload, and one removed from the queue by hand.
    const queuedId = newTaskId();
    const queuedFile = plant(queuedId, hour);
    await queue.add(
      'transcribe',
      { taskId: queuedId, owner: 'sweep', filePath: queuedFile, params: {} },
      { jobId: queuedId, delay: hour },
    );
    const removedId = newTaskId();
    const removedFile = plant(removedId, hour);
    const removedJob = await queue.add(
      'transcribe',
      { taskId: removedId, owner: 'sweep', filePath: removedFile, params: {} },
      { jobId: removedId, delay: hour },
    );
    const orphan = plant(newTaskId(), hour);
    const partial = plant('left-by-a-crash.part', hour);

    await until(() => !existsSync(orphan) && !existsSync(partial), 10_000, 'old orphans were not swept');
    assert.ok(existsSync(queuedFile) && existsSync(removedFile), 'files of queued jobs stay');

    // Young files are left alone (an upload may be between its last byte and its job).
    const young = plant(newTaskId(), 0);
    await sleep(1200);
    assert.ok(existsSync(young), 'a young file is kept');
    await removedJob.remove();
    await until(() => !existsSync(removedFile), 10_000, 'the upload of the removed job was not swept');
    await until(() => !existsSync(young), ORPHAN_AGE_MS + 10_000, 'the young orphan was never swept');
    assert.ok(existsSync(queuedFile), 'the file of the waiting job is still there');
    await (await queue.getJob(queuedId))?.remove();
  });
});

async function until(condition: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, message);
    await sleep(50);
  }
}
