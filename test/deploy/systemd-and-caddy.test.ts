import 'reflect-metadata';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { validateEnv } from '../../src/config/env.validation';
import { repoRoot } from '../support/shared-files';
import {
  knownEnvVars,
  parseEnvFile,
  parseUnit,
  readRepoFile,
  seconds,
  setting,
  workerStopWorstCase,
} from './deploy-files';

const UNITS = { api: 'speech-api.service', worker: 'speech-worker.service' } as const;
const envExample = parseEnvFile(readRepoFile('deploy', 'env.example'));
const hasCommand = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

describe('systemd units', () => {
  for (const [role, file] of Object.entries(UNITS)) {
    const unit = parseUnit(readRepoFile('deploy', 'systemd', file));

    test(`${file}: runs the ${role} role from the env file as a dedicated user`, () => {
      assert.equal(setting(unit, 'Service', 'EnvironmentFile'), '/etc/speech-server/env');
      const environment = (unit.get('Service')?.get('Environment') ?? []).join(' ').split(/\s+/);
      assert.ok(environment.includes(`APP_ROLE=${role}`), environment.join(' '));
      const user = setting(unit, 'Service', 'User');
      assert.ok(user && user !== 'root' && user !== '0', `User=${user}`);
      assert.match(setting(unit, 'Service', 'ExecStart') ?? '', /^\/\S*node (--\S+ )*dist\/src\/main\.js$/);
      assert.equal(setting(unit, 'Install', 'WantedBy'), 'multi-user.target');
    });

    test(`${file}: restarts on failure, and TimeoutStopSec covers the worst case of a graceful stop`, () => {
      assert.equal(setting(unit, 'Service', 'Restart'), 'on-failure');
      assert.equal(setting(unit, 'Service', 'KillSignal'), 'SIGTERM');
      const grace = Number(envExample.get('SHUTDOWN_GRACE_MS')) / 1000;
      assert.ok(Number.isFinite(grace) && grace > 0, 'env.example sets SHUTDOWN_GRACE_MS');
      const stop = seconds(setting(unit, 'Service', 'TimeoutStopSec') ?? '0');
      // The API drains requests in flight for the grace; a worker may pause, wait the grace, then settle.
      const worstCase = role === 'worker' ? workerStopWorstCase(grace) : grace;
      assert.ok(stop >= worstCase + 10, `TimeoutStopSec ${stop}s leaves room after ${worstCase}s`);
    });

    test(`${file}: hardened without breaking V8, ffmpeg or a GPU`, () => {
      assert.equal(setting(unit, 'Service', 'NoNewPrivileges'), 'yes');
      assert.equal(setting(unit, 'Service', 'ProtectSystem'), 'strict');
      assert.equal(setting(unit, 'Service', 'StateDirectory'), 'speech-server', 'a writable upload folder');
      assert.notEqual(setting(unit, 'Service', 'MemoryDenyWriteExecute'), 'yes', 'the JIT needs W+X memory');
      if (role === 'worker')
        assert.notEqual(setting(unit, 'Service', 'PrivateDevices'), 'yes', '/dev/nvidia*');
      for (const key of ['UPLOAD_DIR', 'WHISPER_MODEL_PATH']) {
        assert.match(
          envExample.get(key) ?? '',
          /^\/var\/lib\/speech-server\//,
          `${key} lies in the StateDirectory`,
        );
      }
    });
  }

  test(
    'systemd-analyze verify accepts both units',
    {
      skip:
        hasCommand('systemd-analyze') && existsSync('/usr/bin/node')
          ? false
          : 'needs systemd-analyze and /usr/bin/node',
    },
    () => {
      const files = Object.values(UNITS).map((file) => path.join(repoRoot, 'deploy', 'systemd', file));
      const result = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stderr.trim(), '', 'no warnings');
    },
  );

  test('every env example names the GPU settings, so a GPU host does not run on the CPU by default', () => {
    for (const file of [['deploy', 'env.example'], ['.env.example']]) {
      const env = parseEnvFile(readRepoFile(...file));
      for (const name of [
        'WHISPER_USE_GPU',
        'WHISPER_GPU_DEVICE',
        'DIARIZATION_PROVIDER',
        'DIARIZATION_GPU_DEVICE',
      ]) {
        assert.ok(env.has(name), `${file.join('/')}: ${name}`);
      }
      assert.equal(env.get('TRUST_PROXY'), 'loopback', `${file.join('/')}: TRUST_PROXY`);
    }
  });

  test('env.example sets only variables the app reads, and not APP_ROLE', () => {
    const known = knownEnvVars();
    const unknown = [...envExample.keys()].filter((name) => !known.has(name));
    assert.deepEqual(unknown, []);
    assert.equal(envExample.has('APP_ROLE'), false, 'the env file would override the units');
    assert.equal(envExample.get('PORT'), '8088');
    assert.equal(envExample.get('HOST'), '127.0.0.1', 'only Caddy is exposed');
  });
});

describe('Caddyfile', () => {
  const caddyfile = readRepoFile('deploy', 'Caddyfile');

  test('proxies a TLS host name to the API with the 1 GB body limit', () => {
    assert.match(caddyfile, /^[a-z0-9.-]+\.[a-z]+ \{$/m, 'a site block by host name gets automatic HTTPS');
    assert.match(caddyfile, /request_body \{\s*max_size 1GB\s*\}/);
    assert.match(caddyfile, /reverse_proxy 127\.0\.0\.1:8088\b/);
  });

  test(
    'caddy adapts and validates it',
    { skip: hasCommand('caddy') ? false : 'caddy is not installed' },
    () => {
      const file = path.join(repoRoot, 'deploy', 'Caddyfile');
      const validate = spawnSync('caddy', ['validate', '--config', file, '--adapter', 'caddyfile'], {
        encoding: 'utf8',
      });
      assert.equal(validate.status, 0, validate.stderr);
      const adapted = spawnSync('caddy', ['adapt', '--config', file, '--adapter', 'caddyfile'], {
        encoding: 'utf8',
      });
      const json = JSON.stringify(JSON.parse(adapted.stdout));
      assert.match(json, /"handler":"request_body","max_size":1000000000/);
      assert.match(json, /"dial":"127\.0\.0\.1:8088"/);
      assert.match(json, /"listen":\[":443"\]/);
    },
  );
});

describe('env.example against the app', () => {
  test('the app accepts it in both roles (model paths pointed at files that exist)', () => {
    const work = mkdtempSync(path.join(tmpdir(), 'deploy-env-'));
    try {
      const env: Record<string, string> = Object.fromEntries(envExample);
      for (const key of [
        'WHISPER_MODEL_PATH',
        'VAD_MODEL_PATH',
        'SEGMENTATION_MODEL_PATH',
        'EMBEDDING_MODEL_PATH',
      ]) {
        env[key] = path.join(work, path.basename(env[key]));
        writeFileSync(env[key], 'model');
      }
      for (const role of ['api', 'worker']) {
        const validated = validateEnv({ ...env, APP_ROLE: role });
        assert.equal(validated.PORT, 8088);
        assert.equal(validated.APP_ROLE, role);
        assert.equal(validated.UPLOAD_DIR, '/var/lib/speech-server/uploads');
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("onnxruntime-node's installer, as the deploy docs use it", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const utils = require(
    path.join(repoRoot, 'node_modules', 'onnxruntime-node', 'script', 'install-utils.js'),
  ) as {
    parseInstallFlag(): unknown;
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const metadata = require(
    path.join(repoRoot, 'node_modules', 'onnxruntime-node', 'script', 'install-metadata.js'),
  ) as {
    requirements: Record<string, string[]>;
    manifests: Record<string, Record<string, unknown>>;
  };
  const parse = (env: Record<string, string>, argv: string[]): unknown => {
    const saved = { env: { ...process.env }, argv: process.argv };
    for (const key of [
      'ONNXRUNTIME_NODE_INSTALL',
      'ONNXRUNTIME_NODE_INSTALL_CUDA',
      'npm_config_onnxruntime_node_install',
      'npm_config_onnxruntime_node_install_cuda',
    ]) {
      delete process.env[key];
    }
    Object.assign(process.env, env);
    process.argv = [process.argv[0], 'install.js', ...argv];
    try {
      return utils.parseInstallFlag();
    } finally {
      process.env = saved.env;
      process.argv = saved.argv;
    }
  };

  test('linux/x64 installs download the CUDA 12 provider unless told to skip', () => {
    assert.deepEqual(metadata.requirements['linux/x64'], ['cuda12']);
    assert.ok('./libonnxruntime_providers_cuda.so' in metadata.manifests['linux/x64:cuda12']);
    assert.equal(parse({}, []), undefined, 'no flag: the default, which downloads on linux/x64');
    assert.equal(parse({ ONNXRUNTIME_NODE_INSTALL: 'skip' }, []), false, 'what setup.sh and CPU hosts set');
  });

  test('the bare flag forces the install (the GPU image); "=cuda12" is not understood and falls back to the default', () => {
    assert.equal(parse({}, ['--onnxruntime-node-install']), true);
    assert.equal(parse({ ONNXRUNTIME_NODE_INSTALL: 'cuda12' }, []), undefined);
  });
});
