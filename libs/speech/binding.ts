import { existsSync } from 'node:fs';
import path from 'node:path';
import { NativeBindingNotFoundError } from './errors';
import type { NativeBinding } from './native-types';

const ADDON_FILE = path.join('native', 'build', 'Release', 'whisper_addon.node');

let cached: NativeBinding | undefined;

/**
 * The addon, loaded once: SPEECH_ADDON_PATH if set, else native/build/Release/whisper_addon.node
 * of the repository this file belongs to (from its source or from its dist/ copy).
 */
export function loadBinding(): NativeBinding {
  if (cached) return cached;
  const override = process.env.SPEECH_ADDON_PATH;
  const candidates = override ? [path.resolve(override)] : repositoryCandidates();
  const failures: string[] = [];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) {
      failures.push(`${candidate}: not found`);
      continue;
    }
    try {
      // A compiled addon can only be loaded with require.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      cached = require(candidate) as NativeBinding;
      return cached;
    } catch (error) {
      failures.push(`${candidate}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new NativeBindingNotFoundError(
    `the whisper.cpp addon could not be loaded; build it with 'npm run build:native' ` +
      `(or set SPEECH_ADDON_PATH). Tried: ${failures.join('; ')}`,
  );
}

function repositoryCandidates(): string[] {
  // libs/speech -> repository root; dist/libs/speech -> two more levels.
  const roots = [path.resolve(__dirname, '..', '..'), path.resolve(__dirname, '..', '..', '..')];
  return [...new Set(roots.map((root) => path.join(root, ADDON_FILE)))];
}
