import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BackendDevice, gpuFallbackReason, parseSystemInfo, speechRuntimeInfo } from '../../libs/speech';

const CPU: BackendDevice = { name: 'CPU', description: 'the host processor', kind: 'cpu' };
const GPU: BackendDevice = { name: 'CUDA0', description: 'NVIDIA H100', kind: 'gpu' };

describe('whisper.cpp runtime information', () => {
  test("the addon reports whisper.cpp's system-info line, parsed by backend, and its devices", () => {
    const info = speechRuntimeInfo();
    assert.match(info.whisperVersion, /^\d+\.\d+\.\d+/);
    assert.match(info.systemInfo, /^WHISPER : /);
    assert.ok(info.features.WHISPER, info.systemInfo);
    assert.ok(info.features.CPU, `a CPU section in ${info.systemInfo}`);
    assert.ok(
      info.devices.some((device) => device.kind === 'cpu'),
      JSON.stringify(info.devices),
    );
  });

  test('parseSystemInfo splits sections and features', () => {
    assert.deepEqual(
      parseSystemInfo(
        'WHISPER : COREML = 0 | OPENVINO = 0 | CPU : SSE3 = 1 | AVX2 = 1 | CUDA : ARCHS = 750,800 | ',
      ),
      { WHISPER: { COREML: '0', OPENVINO: '0' }, CPU: { SSE3: '1', AVX2: '1' }, CUDA: { ARCHS: '750,800' } },
    );
  });
});

describe('GPU asked for but not used', () => {
  test('no GPU asked for: nothing to say', () => {
    assert.equal(gpuFallbackReason({ useGpu: false, gpuDevice: 0 }, [CPU]), null);
  });

  test('a build or host without a GPU is named as the reason, with the devices it has', () => {
    const reason = gpuFallbackReason({ useGpu: true, gpuDevice: 0 }, [CPU]);
    assert.match(reason ?? '', /sees none \(devices: CPU\).*--cuda.*runs on the CPU/);
  });

  const hasGpu = speechRuntimeInfo().devices.some(
    (device) => device.kind === 'gpu' || device.kind === 'igpu',
  );
  test(
    'this build, asked for a GPU where it sees none, says so',
    { skip: hasGpu ? 'a GPU is visible' : false },
    () => {
      assert.notEqual(gpuFallbackReason({ useGpu: true, gpuDevice: 0 }), null);
    },
  );

  test('a GPU index past the visible ones is reported; a visible one is used', () => {
    assert.equal(gpuFallbackReason({ useGpu: true, gpuDevice: 0 }, [CPU, GPU]), null);
    const reason = gpuFallbackReason({ useGpu: true, gpuDevice: 1 }, [CPU, GPU]);
    assert.match(reason ?? '', /GPU 1 was asked for but only 1 are visible \(0: CUDA0 \(NVIDIA H100\)\)/);
  });
});
