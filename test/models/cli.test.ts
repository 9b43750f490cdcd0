import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { models, repoRoot, sharedPath, skipUnlessPresent } from '../support/shared-files';
import { closedPort, FixtureServer } from './fixture-server';
import { filesUnder } from '../support/files';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `models ...` as `npm run models` does, with the given env; `watch` gets the child as it starts. */
function runModels(
  args: string[],
  env: Record<string, string>,
  watch?: (child: ChildProcess) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'models', ...args], {
      env: { ...process.env, MODELS_MIRROR: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    watch?.(child);
  });
}

describe(
  'npm run models (the CLI)',
  { skip: existsSync(cli) ? false : `needs ${cli} (npm run build)` },
  () => {
    const server = new FixtureServer();
    const work = mkdtempSync(path.join(tmpdir(), 'models-cli-'));
    const vad = randomBytes(100_000);

    before(async () => {
      server.files.set('ggml-silero-v6.2.0.bin', vad);
      server.files.set('ggml-tiny.bin', randomBytes(50_000));
      await server.start();
    });
    after(async () => {
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('list shows the catalogue with the defaults marked', async () => {
      const run = await runModels(['list'], { MODELS_DIR: path.join(work, 'empty') });
      assert.equal(run.code, 0, run.stderr);
      for (const name of [
        'large-v3-turbo',
        'base.en',
        'silero-v6.2.0',
        'pyannote-segmentation-3.0',
        'wespeaker-resnet34-lm-pyannote',
        'wespeaker-resnet34-lm',
      ]) {
        assert.match(run.stdout, new RegExp(`^[* ] ${name.replace('.', '\\.')}\\s`, 'm'), name);
      }
      assert.match(run.stdout, /^\* base\s+whisper\s+142 MiB\s+sha1/m);
    });

    test('downloads through a mirror, warns that an unchecked file was not verified, prints the env line', async () => {
      const modelsDir = path.join(work, 'mirror');
      const run = await runModels(['install', 'vad', '--mirror', `${server.origin}/files`], {
        MODELS_DIR: modelsDir,
      });
      assert.equal(run.code, 0, run.stderr);
      const target = path.join(modelsDir, 'vad', 'ggml-silero-v6.2.0.bin');
      assert.deepEqual(readFileSync(target), vad);
      assert.match(run.stderr, /warning: silero-v6\.2\.0 was not verified/);
      assert.match(run.stdout, new RegExp(`VAD_MODEL_PATH=${path.resolve(target).replace(/[.]/g, '\\.')}`));
      assert.ok(!run.stderr.includes('\r'), 'no progress bar when stderr is not a terminal');
    });

    test('a file that fails its published sha1 is refused with exit code 1', async () => {
      const modelsDir = path.join(work, 'sha1');
      const run = await runModels(['tiny'], {
        MODELS_DIR: modelsDir,
        MODELS_MIRROR: `${server.origin}/redirect`,
      });
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /failed: tiny: ggml-tiny\.bin: sha1 is [0-9a-f]{40}, expected bd577a113a864445d4c299885e0cb97d4ba92b5f/,
      );
      assert.deepEqual(filesUnder(modelsDir), []);
    });

    test('offline, it fails fast and lists exactly the missing default models and how to provide them', async () => {
      const modelsDir = path.join(work, 'offline');
      const port = await closedPort();
      const started = Date.now();
      const run = await runModels([], { MODELS_DIR: modelsDir, MODELS_MIRROR: `http://127.0.0.1:${port}` });
      assert.ok(Date.now() - started < 10_000);
      assert.equal(run.code, 1);
      const listed = [...run.stderr.matchAll(/^ {2}(\S+) \((\w+)\) -> (.+)$/gm)].map((match) => [
        match[1],
        match[2],
        path.relative(modelsDir, match[3]),
      ]);
      assert.deepEqual(listed, [
        ['base', 'whisper', 'whisper/ggml-base.bin'],
        ['silero-v6.2.0', 'vad', 'vad/ggml-silero-v6.2.0.bin'],
        ['pyannote-segmentation-3.0', 'segmentation', 'segmentation/pyannote-segmentation-3.0.int8.onnx'],
        ['wespeaker-resnet34-lm-pyannote', 'embedding', 'embedding/wespeaker-resnet34-lm-pyannote.onnx'],
      ]);
      assert.match(run.stderr, /npm run models -- --from/);
      assert.deepEqual(filesUnder(modelsDir), []);
    });

    test('Ctrl-C during a download exits 130 and leaves no partial file', async () => {
      const modelsDir = path.join(work, 'interrupted');
      const partial = path.join(modelsDir, 'vad', 'ggml-silero-v6.2.0.bin.part');
      let interrupted = false;
      const run = await runModels(
        ['vad', '--mirror', `${server.origin}/stall`],
        { MODELS_DIR: modelsDir },
        (child) => {
          // The stalled body never completes: the process can only end through this signal, once bytes arrived.
          const poll = setInterval(() => {
            if (existsSync(partial) && statSync(partial).size > 0) {
              clearInterval(poll);
              interrupted = child.kill('SIGINT');
            }
          }, 20);
          child.on('close', () => clearInterval(poll));
        },
      );
      assert.ok(interrupted, 'the partial file appeared and the signal was sent');
      assert.equal(run.code, 130, run.stderr);
      assert.match(run.stderr, /interrupted; partial files were removed/);
      assert.deepEqual(filesUnder(modelsDir), []);
    });

    test(
      '--from the shared folder installs every file, verified',
      { skip: skipUnlessPresent(models.segmentation, models.sileroVad, models.whisperTiny) },
      async () => {
        const modelsDir = path.join(work, 'from-shared');
        const run = await runModels(['--from', sharedPath('models')], { MODELS_DIR: modelsDir });
        assert.equal(run.code, 0, run.stderr);
        assert.doesNotMatch(run.stdout, /NOT verified/);
        assert.deepEqual(filesUnder(modelsDir), [
          'segmentation/pyannote-segmentation-3.0.int8-float-sincnet.onnx',
          'segmentation/pyannote-segmentation-3.0.int8.onnx',
          'vad/ggml-silero-v6.2.0.bin',
          'whisper/for-tests-ggml-base.bin',
          'whisper/for-tests-ggml-tiny.bin',
        ]);
        assert.match(run.stdout, /float-SincNet .*\(derived from pyannote-segmentation-3\.0\.int8\.onnx\)/);
        // The derived graph is the one to run, so it is the one the env lines name.
        assert.match(
          run.stdout,
          /SEGMENTATION_MODEL_PATH=.*pyannote-segmentation-3\.0\.int8-float-sincnet\.onnx/,
        );
      },
    );
  },
);
