import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../support/shared-files';

// scripts/gpu-check.sh is run by hand on GPU machines (its output is in the README); here it must refuse
// cleanly, before building anything, where no NVIDIA GPU or no CUDA toolkit is visible.
function runWithPath(dirs: string[]) {
  return spawnSync('/bin/bash', [path.join(repoRoot, 'scripts', 'gpu-check.sh')], {
    env: { ...process.env, PATH: dirs.join(':'), CUDA_HOME: '/nonexistent' },
    encoding: 'utf8',
  });
}

/** A folder holding `names` as links to stand-ins that succeed (nvidia-smi) or to real tools. */
function toolFolder(links: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gpu-check-'));
  for (const [name, target] of Object.entries(links)) symlinkSync(target, path.join(dir, name));
  return dir;
}

describe('scripts/gpu-check.sh on a machine without a GPU', () => {
  test('exits 2 and says that no NVIDIA GPU is visible', () => {
    const tools = toolFolder({ dirname: '/usr/bin/dirname' });
    try {
      const run = runWithPath([tools]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /no NVIDIA GPU is visible here/);
      assert.equal(run.stdout, '');
    } finally {
      rmSync(tools, { recursive: true, force: true });
    }
  });

  test('with a driver but no CUDA toolkit, exits 2 before building anything', () => {
    // `true` stands in for nvidia-smi: it answers every query with success and prints nothing.
    const tools = toolFolder({ 'nvidia-smi': '/bin/true', dirname: '/usr/bin/dirname' });
    try {
      const run = runWithPath([tools]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /no CUDA toolkit \(nvcc on PATH or in CUDA_HOME\)/);
      assert.doesNotMatch(run.stdout + run.stderr, /building the CUDA addon/);
    } finally {
      rmSync(tools, { recursive: true, force: true });
    }
  });
});
