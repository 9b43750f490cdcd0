import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ChecksumMismatchError,
  DownloadError,
  downloadModels,
  FLOAT_SINCNET_SEGMENTATION_FILE,
  InstallAbortedError,
  MissingModelsError,
  ModelInstallError,
  modelCatalogue,
  openUrl,
  resolveModels,
  type ModelSpec,
  type TransferProgress,
} from '../../libs/models';
import { models, skipUnlessPresent } from '../support/shared-files';
import { closedPort, FixtureServer } from './fixture-server';
import { filesUnder, sha256 } from '../support/files';

const sha1 = (data: Buffer): string => createHash('sha1').update(data).digest('hex');

describe('downloading models from a local HTTP server', () => {
  const server = new FixtureServer();
  const work = mkdtempSync(path.join(tmpdir(), 'models-download-'));
  let modelsDir: string;
  const model = randomBytes(3 * 1024 * 1024 + 123);
  const other = randomBytes(64 * 1024);

  const spec = (overrides: Partial<ModelSpec>): ModelSpec => ({
    name: 'test-model',
    kind: 'whisper',
    description: 'test',
    fileName: 'ggml-test.bin',
    url: server.url('files', 'model.bin'),
    checksum: { algorithm: 'sha256', hex: sha256(model) },
    size: '3 MiB',
    ...overrides,
  });

  before(async () => {
    server.files.set('model.bin', model);
    server.files.set('other.bin', other);
    await server.start();
  });
  after(async () => {
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    modelsDir = mkdtempSync(path.join(work, 'models-'));
  });

  test('follows a redirect, verifies sha256, installs under <kind>/ and reports progress', async () => {
    const progress: TransferProgress[] = [];
    const report = await downloadModels([spec({ url: server.url('redirect', 'model.bin') })], {
      modelsDir,
      onProgress: (event) => progress.push({ ...event }),
    });
    assert.deepEqual(report.failed, []);
    const target = path.join(modelsDir, 'whisper', 'ggml-test.bin');
    assert.deepEqual(readFileSync(target), model);
    assert.deepEqual(filesUnder(modelsDir), ['whisper/ggml-test.bin']);
    assert.equal(report.installed[0].verification, 'checksum');
    assert.equal(report.installed[0].sha256, sha256(model));
    assert.ok(progress.length > 1, 'several progress events');
    assert.ok(progress.every((event) => event.totalBytes === model.length && event.phase === 'download'));
    assert.ok(progress.every((event, i) => i === 0 || event.bytes >= progress[i - 1].bytes));
    assert.equal(progress[progress.length - 1].bytes, model.length);
  });

  test('sha1 checksums (what whisper.cpp publishes) are verified too', async () => {
    const report = await downloadModels([spec({ checksum: { algorithm: 'sha1', hex: sha1(model) } })], {
      modelsDir,
    });
    assert.deepEqual(report.failed, []);
    assert.equal(report.installed[0].verification, 'checksum');
  });

  test('an intact file is kept; a damaged one is downloaded again', async () => {
    await downloadModels([spec({})], { modelsDir });
    const before = server.requests.length;
    const again = await downloadModels([spec({})], { modelsDir });
    assert.equal(again.installed[0].action, 'present');
    assert.equal(server.requests.length, before, 'no request for an intact file');
    const target = path.join(modelsDir, 'whisper', 'ggml-test.bin');
    writeFileSync(target, 'damaged');
    const repaired = await downloadModels([spec({})], { modelsDir });
    assert.equal(repaired.installed[0].action, 'installed');
    assert.deepEqual(readFileSync(target), model);
  });

  test('a wrong hash installs nothing, leaves no partial file and keeps an older file', async () => {
    const bad = spec({ url: server.url('files', 'other.bin') });
    const report = await downloadModels([bad], { modelsDir });
    assert.equal(report.installed.length, 0);
    assert.ok(report.failed[0].error instanceof ChecksumMismatchError, String(report.failed[0].error));
    assert.match(report.failed[0].error.message, new RegExp(sha256(model)));
    assert.deepEqual(filesUnder(modelsDir), []);

    const target = path.join(modelsDir, 'whisper', 'ggml-test.bin');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, 'an older file');
    await downloadModels([bad], { modelsDir });
    assert.equal(readFileSync(target, 'utf8'), 'an older file');
    assert.deepEqual(filesUnder(modelsDir), ['whisper/ggml-test.bin']);
  });

  test('a connection cut mid-body fails that model only and leaves no partial file', async () => {
    const second = spec({
      name: 'second',
      fileName: 'second.bin',
      url: server.url('files', 'other.bin'),
      checksum: null,
    });
    const report = await downloadModels([spec({ url: server.url('drop', 'model.bin') }), second], {
      modelsDir,
    });
    assert.equal(report.failed.length, 1);
    assert.ok(report.failed[0].error instanceof DownloadError);
    assert.equal((report.failed[0].error as DownloadError).unreachable, false);
    assert.deepEqual(
      report.installed.map((installed) => [installed.label, installed.verification]),
      [['second', 'unverified']],
    );
    assert.deepEqual(filesUnder(modelsDir), ['whisper/second.bin']);
  });

  test('HTTP errors and redirect loops are reported per model', async () => {
    const report = await downloadModels(
      [
        spec({ url: server.url('files', 'absent.bin') }),
        spec({ name: 'loop', url: `${server.origin}/redirect-loop/x` }),
      ],
      { modelsDir },
    );
    assert.match(report.failed[0].error.message, /HTTP 404/);
    assert.match(report.failed[1].error.message, /redirects/);
    assert.deepEqual(filesUnder(modelsDir), []);
  });

  test('an unreachable host stops at once and names every model still missing', async () => {
    const port = await closedPort();
    await downloadModels([spec({ name: 'present', fileName: 'present.bin', checksum: null })], { modelsDir });
    const offline = (name: string, fileName: string): ModelSpec =>
      spec({ name, fileName, url: `http://127.0.0.1:${port}/${fileName}`, checksum: null });
    const started = Date.now();
    const error = await downloadModels(
      [offline('first', 'first.bin'), offline('present', 'present.bin'), offline('third', 'third.bin')],
      { modelsDir },
    ).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(Date.now() - started < 5000, 'fails fast');
    assert.ok(error instanceof MissingModelsError, String(error));
    assert.deepEqual(
      error.missing.map((missing) => [missing.label, path.relative(modelsDir, missing.path)]),
      [
        ['first (whisper)', 'whisper/first.bin'],
        ['third (whisper)', 'whisper/third.bin'],
      ],
    );
    assert.match(error.message, /ECONNREFUSED/);
    assert.match(error.message, /--from/);
    assert.match(error.message, new RegExp(`127.0.0.1:${port}/third.bin`));
    assert.deepEqual(filesUnder(modelsDir), ['whisper/present.bin']);
  });

  test('aborting mid-download removes the partial file', async () => {
    const controller = new AbortController();
    const stalled = downloadModels([spec({ url: server.url('stall', 'model.bin') })], {
      modelsDir,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.bytes > 0) setTimeout(() => controller.abort(), 50);
      },
    });
    await assert.rejects(stalled, InstallAbortedError);
    assert.deepEqual(filesUnder(modelsDir), []);
  });

  test('a stalled body times out instead of hanging', async () => {
    const report = await downloadModels([spec({ url: server.url('stall', 'model.bin') })], {
      modelsDir,
      idleTimeoutMs: 300,
    });
    assert.match(report.failed[0]?.error.message ?? '', /stalled/);
    assert.deepEqual(filesUnder(modelsDir), []);
  });

  test('a model inside a tar.bz2 archive is extracted and verified; the archive is removed', async () => {
    const staging = mkdtempSync(path.join(work, 'archive-'));
    mkdirSync(path.join(staging, 'pkg'));
    writeFileSync(path.join(staging, 'pkg', 'model.int8.onnx'), model);
    writeFileSync(path.join(staging, 'pkg', 'README.md'), 'readme');
    execFileSync('tar', ['-cjf', path.join(staging, 'pkg.tar.bz2'), '-C', staging, 'pkg']);
    server.files.set('pkg.tar.bz2', readFileSync(path.join(staging, 'pkg.tar.bz2')));
    const archived = spec({
      kind: 'segmentation',
      fileName: 'seg.onnx',
      url: server.url('files', 'pkg.tar.bz2'),
      archiveMember: 'pkg/model.int8.onnx',
    });
    const report = await downloadModels([archived], { modelsDir });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(readFileSync(path.join(modelsDir, 'segmentation', 'seg.onnx')), model);
    assert.deepEqual(filesUnder(modelsDir), ['segmentation/seg.onnx']);

    const wrongMember = await downloadModels(
      [{ ...archived, fileName: 'x.onnx', archiveMember: 'pkg/absent.onnx' }],
      {
        modelsDir,
      },
    );
    assert.ok(wrongMember.failed[0].error instanceof ModelInstallError);
    assert.match(wrongMember.failed[0].error.message, /absent\.onnx/);
    assert.deepEqual(filesUnder(modelsDir), ['segmentation/seg.onnx']);
  });

  test(
    "the catalogue's int8 segmentation model, from sherpa-onnx's archive, gets its float-SincNet graph beside it",
    { skip: skipUnlessPresent(models.segmentation) },
    async () => {
      const staging = mkdtempSync(path.join(work, 'sherpa-'));
      const folder = 'sherpa-onnx-pyannote-segmentation-3-0';
      mkdirSync(path.join(staging, folder));
      writeFileSync(path.join(staging, folder, 'model.int8.onnx'), readFileSync(models.segmentation));
      execFileSync('tar', ['-cjf', path.join(staging, `${folder}.tar.bz2`), '-C', staging, folder]);
      server.files.set(`${folder}.tar.bz2`, readFileSync(path.join(staging, `${folder}.tar.bz2`)));
      const catalogue = modelCatalogue({ mirror: server.url('files', '') });
      const specs = resolveModels(['segmentation'], catalogue);
      const first = await downloadModels(specs, { modelsDir });
      assert.deepEqual(first.failed, []);
      assert.deepEqual(
        first.installed.map((installed) => [installed.action, installed.verification]),
        [
          ['installed', 'checksum'],
          ['installed', 'derived'],
        ],
      );
      assert.deepEqual(filesUnder(modelsDir), [
        `segmentation/${FLOAT_SINCNET_SEGMENTATION_FILE}`,
        'segmentation/pyannote-segmentation-3.0.int8.onnx',
      ]);
      const again = await downloadModels(specs, { modelsDir });
      assert.deepEqual(
        again.installed.map((installed) => installed.action),
        ['present', 'present'],
      );
    },
  );

  test('openUrl refuses anything but http(s)', async () => {
    await assert.rejects(openUrl('file:///etc/passwd'), /only https and http/);
  });
});
