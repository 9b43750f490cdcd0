import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { speechRuntimeInfo } from '../../libs/speech';
import { repoRoot } from '../support/shared-files';

// The images and setup.sh build with --portable (x86-64-v3): the build must not depend on where it runs,
// and must not lose AVX2 either (ggml turns every AVX flag off with GGML_NATIVE when SOURCE_DATE_EPOCH is set).
const cache = path.join(repoRoot, 'native', 'build', 'CMakeCache.txt');
const cacheText = existsSync(cache) ? readFileSync(cache, 'utf8') : '';
const cached = (name: string): string | undefined =>
  new RegExp(`^${name}:[A-Z]+=(.*)$`, 'm').exec(cacheText)?.[1];
const cpuHas = (flag: string): boolean =>
  existsSync('/proc/cpuinfo') && new RegExp(`\\b${flag}\\b`).test(readFileSync('/proc/cpuinfo', 'utf8'));

function skipReason(): string | false {
  if (process.arch !== 'x64') return 'x86-64 only';
  if (!cacheText) return `no ${cache}`;
  if (cached('GGML_NATIVE') !== 'OFF')
    return 'native/build is not the portable build (npm run build:native -- --portable)';
  if (!cpuHas('avx2')) return 'this CPU has no AVX2';
  return false;
}

describe('the portable CPU build', { skip: skipReason() }, () => {
  test('was configured for x86-64-v3, not for this machine', () => {
    for (const feature of ['AVX', 'AVX2', 'FMA', 'F16C', 'BMI2', 'SSE42']) {
      assert.equal(cached(`GGML_${feature}`), 'ON', feature);
    }
    assert.equal(cached('GGML_AVX512'), 'OFF', 'AVX-512 would not run on many x86-64 hosts');
  });

  test('whisper.cpp reports AVX2, FMA and F16C on in the loaded addon', () => {
    const { features, systemInfo } = speechRuntimeInfo();
    for (const feature of ['AVX', 'AVX2', 'FMA', 'F16C']) {
      assert.equal(features.CPU?.[feature], '1', `${feature} in ${systemInfo}`);
    }
    assert.notEqual(features.CPU?.AVX512, '1', systemInfo);
  });
});
