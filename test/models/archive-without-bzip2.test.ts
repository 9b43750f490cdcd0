import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { downloadModels, ModelInstallError, type ModelSpec } from '../../libs/models';
import { FixtureServer } from './fixture-server';
import { sha256 } from '../support/files';

const which = (command: string): string | null => {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
};

// The runtime images (node:*-slim, nvidia/cuda runtime) have GNU tar but no bzip2: the installer must not
// need it. Building the fixture archive does, on the test machine.
const tarPath = which('tar');
const canBuildFixture = tarPath !== null && which('bzip2') !== null;

describe(
  'model archives on a host without bzip2',
  { skip: canBuildFixture ? false : 'needs tar and bzip2 to build the fixture' },
  () => {
    const server = new FixtureServer();
    const work = mkdtempSync(path.join(tmpdir(), 'models-nobzip2-'));
    // A PATH holding GNU tar alone, as in the slim images.
    const bareBin = path.join(work, 'bin');
    const model = randomBytes(2 * 1024 * 1024 + 77);
    const savedPath = process.env.PATH;

    const archived = (overrides: Partial<ModelSpec> = {}): ModelSpec => ({
      name: 'segmentation-test',
      kind: 'segmentation',
      description: 'test',
      fileName: 'seg.onnx',
      url: server.url('files', 'pkg.tar.bz2'),
      archiveMember: 'pkg/model.int8.onnx',
      checksum: { algorithm: 'sha256', hex: sha256(model) },
      size: '2 MiB',
      ...overrides,
    });

    before(async () => {
      const staging = path.join(work, 'staging');
      mkdirSync(path.join(staging, 'pkg'), { recursive: true });
      writeFileSync(
        path.join(staging, 'pkg', 'README.md'),
        'readme first, so the member is not the first entry',
      );
      writeFileSync(path.join(staging, 'pkg', 'model.int8.onnx'), model);
      writeFileSync(path.join(staging, 'pkg', 'model.onnx'), randomBytes(4096));
      const tarball = path.join(work, 'pkg.tar.bz2');
      execFileSync('tar', [
        '-cjf',
        tarball,
        '-C',
        staging,
        'pkg/README.md',
        'pkg/model.int8.onnx',
        'pkg/model.onnx',
      ]);
      server.files.set('pkg.tar.bz2', readFileSync(tarball));
      const gzipped = path.join(work, 'pkg.tar.gz');
      execFileSync('tar', ['-czf', gzipped, '-C', staging, 'pkg']);
      server.files.set('pkg.tar.gz', readFileSync(gzipped));
      const truncated = readFileSync(tarball);
      server.files.set('broken.tar.bz2', truncated.subarray(0, Math.floor(truncated.length / 2)));
      mkdirSync(bareBin);
      symlinkSync(tarPath as string, path.join(bareBin, 'tar'));
      await server.start();
      process.env.PATH = bareBin;
    });
    after(async () => {
      process.env.PATH = savedPath;
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    });

    test('the system tar cannot read the archive with this PATH (the images fail the same way)', () => {
      const listing = spawnSync('tar', ['-tjf', path.join(work, 'pkg.tar.bz2')], {
        encoding: 'utf8',
        env: { PATH: bareBin },
      });
      assert.notEqual(listing.status, 0, 'tar needs a bzip2 program for -j');
    });

    test('a .tar.bz2 member is downloaded, extracted in Node and verified', async () => {
      const modelsDir = mkdtempSync(path.join(work, 'models-'));
      const report = await downloadModels([archived()], { modelsDir });
      assert.deepEqual(report.failed, []);
      assert.deepEqual(readFileSync(path.join(modelsDir, 'segmentation', 'seg.onnx')), model);
    });

    test('a .tar.gz member is extracted the same way', async () => {
      const modelsDir = mkdtempSync(path.join(work, 'models-'));
      const report = await downloadModels([archived({ url: server.url('files', 'pkg.tar.gz') })], {
        modelsDir,
      });
      assert.deepEqual(report.failed, []);
      assert.deepEqual(readFileSync(path.join(modelsDir, 'segmentation', 'seg.onnx')), model);
    });

    test('a missing member and a truncated archive fail with the archive named, leaving nothing', async () => {
      const modelsDir = mkdtempSync(path.join(work, 'models-'));
      const report = await downloadModels(
        [
          archived({ archiveMember: 'pkg/absent.onnx' }),
          archived({ name: 'broken', url: server.url('files', 'broken.tar.bz2') }),
        ],
        { modelsDir },
      );
      assert.equal(report.failed.length, 2);
      for (const { error } of report.failed) {
        assert.ok(error instanceof ModelInstallError, String(error));
        assert.match(error.message, /cannot extract pkg\/\S+ from \S+\.tar\.bz2/);
      }
      assert.match(report.failed[0].error.message, /no such member/);
      const segmentationDir = path.join(modelsDir, 'segmentation');
      assert.deepEqual(existsSync(segmentationDir) ? readdirSync(segmentationDir) : [], []);
    });
  },
);
