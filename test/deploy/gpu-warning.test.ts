import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { speechRuntimeInfo } from '../../libs/speech';
import { startServer } from '../e2e/support/server-process';
import { models, skipUnlessPresent } from '../support/shared-files';

// A GPU host whose addon was built without CUDA (or whose GPU is not visible) used to run on the CPU
// without a word: whisper.cpp says "no GPU found" only at info level.
const hasGpu = speechRuntimeInfo().devices.some((device) => device.kind === 'gpu' || device.kind === 'igpu');
const skip = hasGpu ? 'a GPU is visible here' : skipUnlessPresent(models.whisperTiny);

describe('WHISPER_USE_GPU=true without a usable GPU', { skip }, () => {
  test("the worker logs whisper.cpp's system info and a warning saying that Whisper runs on the CPU", async () => {
    const server = await startServer({ WHISPER_USE_GPU: 'true', LOG_LEVEL: 'info' });
    try {
      const output = server.output();
      assert.match(output, /whisper\.cpp \d+\.\d+\.\d+: WHISPER : .*CPU : /);
      const warning = output.split('\n').find((line) => line.includes('WHISPER_USE_GPU=true'));
      assert.ok(warning, output.slice(-3000));
      assert.match(warning, /"level":40/, 'at warn level');
      assert.match(warning, /sees none .*Whisper runs on the CPU/);
    } finally {
      await server.stop();
    }
  });
});
