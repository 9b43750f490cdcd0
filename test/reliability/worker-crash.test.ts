import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { models, skipUnlessPresent } from '../support/shared-files';
import { submit } from '../e2e/support/http-client';
import { type RunningServer, sleep, TEST_TOKEN } from '../e2e/support/server-process';
import { SPEECH_FIXTURE, writeSpeechClip } from './support/audio-clips';
import { Cluster, taskInProgress, tasksLogged } from './support/cluster';
import { allDelivered, TaskWatcher } from './support/task-watch';

const AUTH = `Bearer ${TEST_TOKEN}`;
const JOBS = 20;
/** Short Bull locks, so that a dead worker's job is recovered in seconds rather than minutes. */
const LOCK_DURATION_MS = 5000;
const STALLED_INTERVAL_MS = 2000;

const skip = skipUnlessPresent(models.whisperTiny, models.sileroVad, models.segmentation, SPEECH_FIXTURE);

describe('a worker killed with SIGKILL in the middle of a job', { skip }, () => {
  const work = mkdtempSync(path.join(tmpdir(), 'reliability-crash-'));
  const cluster = new Cluster(undefined, {
    WHISPER_THREADS: '1',
    QUEUE_LOCK_DURATION_MS: String(LOCK_DURATION_MS),
    QUEUE_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
  });
  let api: RunningServer;
  let victim: RunningServer;
  let survivor: RunningServer;

  before(async () => {
    [api, victim, survivor] = await Promise.all([
      cluster.startApi(),
      cluster.startWorker(),
      cluster.startWorker(),
    ]);
  });
  after(async () => {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('all 20 jobs complete, the killed one on the other worker, and each result is seen once', async (t) => {
    const clip = readFileSync(writeSpeechClip(path.join(work, 'clip.wav'), 2));
    const watchers: TaskWatcher[] = [];
    for (let i = 0; i < JOBS; i++) {
      // A fixed language: auto-detection would multiply the work of each job.
      const created = await submit(
        api.baseUrl,
        AUTH,
        { name: `clip-${i}.wav`, bytes: clip },
        { language: 'en' },
      );
      assert.equal(created.status, 200, JSON.stringify(created.body));
      watchers.push(new TaskWatcher(api.baseUrl, AUTH, created.body.task_id as string));
    }

    // Kill the victim once it has finished a job and is in the middle of the next one.
    let interrupted: string | undefined;
    const killBy = Date.now() + 120_000;
    while (!interrupted) {
      assert.ok(Date.now() < killBy, `the victim never got going:\n${victim.output().slice(-3000)}`);
      const current = taskInProgress(victim.output());
      if (current && tasksLogged(victim.output(), 'completed').length >= 1) {
        victim.child.kill('SIGKILL');
        interrupted = current;
      } else await sleep(20);
    }
    const death = await victim.exited;
    assert.equal(death.signal, 'SIGKILL');
    assert.ok(
      !tasksLogged(victim.output(), 'completed').includes(interrupted),
      'the victim was killed before it finished its job',
    );
    // The upload is kept for the job's second run.
    assert.ok(existsSync(path.join(cluster.uploadDir, interrupted)), 'the interrupted job keeps its upload');
    t.diagnostic(`killed worker ${victim.pid} in the middle of task ${interrupted}`);

    await allDelivered(watchers, 240_000);

    for (const watcher of watchers) {
      const seen = watcher.sightings.map((s) => `${s.httpStatus} ${s.status}`).join(', ');
      assert.ok(
        watcher.sightings.every((s) => s.httpStatus === 200),
        `${watcher.taskId}: ${seen}`,
      );
      assert.equal(watcher.finalStatus, 'completed', `${watcher.taskId}: ${seen}`);
      assert.equal(watcher.deliveries, 1, `${watcher.taskId} was delivered more than once: ${seen}`);
      assert.ok(
        watcher.afterDelivery.length >= 3 && watcher.afterDelivery.every((s) => s.status === 'pending'),
        `${watcher.taskId}: after delivery ${seen}`,
      );
    }
    // Bull's stalled-job check gave the interrupted job to the surviving worker.
    assert.ok(
      tasksLogged(survivor.output(), 'completed').includes(interrupted),
      `task ${interrupted} was not completed by the other worker`,
    );
    const completions = [
      ...tasksLogged(victim.output(), 'completed'),
      ...tasksLogged(survivor.output(), 'completed'),
    ];
    const twice = completions.filter((id, i) => completions.indexOf(id) !== i);
    t.diagnostic(
      `completions logged: victim ${tasksLogged(victim.output(), 'completed').length}, ` +
        `survivor ${tasksLogged(survivor.output(), 'completed').length}; run to completion twice: ${twice.length}`,
    );
    assert.equal(new Set(completions).size, JOBS, 'every task was completed by some worker');
    const deadline = Date.now() + 5000;
    while (cluster.uploadsLeft().length > 0 && Date.now() < deadline) await sleep(50);
    assert.deepEqual(cluster.uploadsLeft(), [], 'every upload is deleted once its job really ended');
  });
});
