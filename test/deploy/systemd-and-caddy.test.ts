import 'reflect-metadata';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { validateEnv } from '../../src/config/env.validation';
import { repoRoot } from '../support/shared-files';
import { knownEnvVars, parseEnvFile, parseUnit, readRepoFile, seconds, setting } from './deploy-files';

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

    test(`${file}: restarts on failure and stops gracefully within the shutdown grace`, () => {
      assert.equal(setting(unit, 'Service', 'Restart'), 'on-failure');
      assert.equal(setting(unit, 'Service', 'KillSignal'), 'SIGTERM');
      const grace = Number(envExample.get('SHUTDOWN_GRACE_MS')) / 1000;
      assert.ok(Number.isFinite(grace) && grace > 0, 'env.example sets SHUTDOWN_GRACE_MS');
      const stop = seconds(setting(unit, 'Service', 'TimeoutStopSec') ?? '0');
      assert.ok(stop >= grace + 10, `TimeoutStopSec ${stop}s leaves room after the ${grace}s grace`);
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
