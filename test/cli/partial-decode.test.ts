import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeTruncatedFlac } from '../support/media';
import { fixtures, models, repoRoot, skipUnlessPresent } from '../support/shared-files';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const SOURCE = fixtures.audio('conv-en-2spk.wav');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const WARNING =
  /^warning: decoded \d+\.\d s of the 29\.4 s the file declares: .*\(ffmpeg: invalid residual\)$/;

describe(
  'the CLI on a file that decodes only in part',
  { skip: skipUnlessPresent(models.whisperTiny, models.segmentation, SOURCE) },
  () => {
    let work: string;
    let cut: string;

    before(() => {
      work = mkdtempSync(path.join(tmpdir(), 'cli-partial-'));
      cut = path.join(work, 'cut.flac');
      writeTruncatedFlac(SOURCE, cut, 0.6);
    });
    after(() => rmSync(work, { recursive: true, force: true }));

    test('transcribe: the result on stdout, one warning line on stderr, exit 0', async () => {
      const result = await run([
        'transcribe',
        cut,
        ...['--model', models.whisperTiny, '--segmentation-model', models.segmentation],
        ...['--threads', '2', '--language', 'en'],
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(Array.isArray(JSON.parse(result.stdout)), 'stdout is the result alone');
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0], WARNING);
      assert.ok(!lines[0].includes(work), 'no path in the warning');
    });

    test('diarize: the warning on stderr and in the JSON', async () => {
      const result = await run([
        'diarize',
        cut,
        '--segmentation-model',
        models.segmentation,
        '--format',
        'json',
      ]);
      assert.equal(result.code, 0, result.stderr);
      const body = JSON.parse(result.stdout) as { warnings?: string[] };
      assert.equal(body.warnings?.length, 1);
      assert.match(`warning: ${body.warnings?.[0]}`, WARNING);
      assert.match(result.stderr.trim(), WARNING);
    });
  },
);
