import { loadBinding } from './binding';
import type { NativeBackendDevice } from './native-types';

export type BackendDevice = NativeBackendDevice;

export interface SpeechRuntimeInfo {
  whisperVersion: string;
  /** whisper.cpp's system-info line as it prints it, e.g. `WHISPER : COREML = 0 | ... | CPU : SSE3 = 1 | AVX2 = 1 | ...`. */
  systemInfo: string;
  /** The same line by backend: `features.CPU.AVX2 === '1'` when the build uses AVX2. */
  features: Record<string, Record<string, string>>;
  /** ggml's compute devices: the CPU, plus the GPUs a CUDA build can reach. */
  devices: BackendDevice[];
}

/** What the loaded addon was built with and what it can run on. */
export function speechRuntimeInfo(): SpeechRuntimeInfo {
  const binding = loadBinding();
  const { whisper, system } = binding.version();
  return {
    whisperVersion: whisper,
    systemInfo: system.trim(),
    features: parseSystemInfo(system),
    devices: binding.backendDevices(),
  };
}

/** `A : x = 1 | y = 0 | B : z = 1 |` into `{ A: { x: '1', y: '0' }, B: { z: '1' } }`. */
export function parseSystemInfo(line: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | null = null;
  for (const part of line.split('|')) {
    const match = /^\s*(?:([^:=|]+?)\s*:\s*)?([^:=|]+?)\s*=\s*(.*?)\s*$/.exec(part);
    if (!match) continue;
    const [, section, name, value] = match;
    if (section !== undefined) {
      current = sections[section] ?? {};
      sections[section] = current;
    }
    if (current) current[name] = value;
  }
  return sections;
}

/**
 * Why whisper.cpp will run on the CPU although a GPU was asked for, or null when it will use one (or none
 * was asked for). whisper.cpp itself only says so at info level, below what anyone logs, and then
 * silently runs on the CPU, 10-50x slower.
 */
export function gpuFallbackReason(
  request: { useGpu: boolean; gpuDevice: number },
  devices: readonly BackendDevice[] = loadBinding().backendDevices(),
): string | null {
  if (!request.useGpu) return null;
  // whisper.cpp counts dedicated and integrated GPUs alike when it picks gpuDevice.
  const gpus = devices.filter((device) => device.kind === 'gpu' || device.kind === 'igpu');
  if (gpus.length === 0) {
    const built = devices.map((device) => device.name).join(', ') || 'none';
    return (
      `a GPU was asked for but whisper.cpp sees none (devices: ${built}): the addon was built without ` +
      `CUDA (npm run build:native -- --cuda, or the cuda image), or no GPU is visible to this process ` +
      `(driver, container --gpus): Whisper runs on the CPU`
    );
  }
  if (request.gpuDevice >= gpus.length) {
    const names = gpus.map((device, index) => `${index}: ${device.name} (${device.description})`).join(', ');
    return `GPU ${request.gpuDevice} was asked for but only ${gpus.length} are visible (${names}): Whisper runs on the CPU`;
  }
  return null;
}
