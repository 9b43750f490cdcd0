import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  knownEnvVars,
  parseDockerfile,
  parseEnvFile,
  readRepoFile,
  seconds,
  workerStopWorstCase,
} from './deploy-files';

interface Service {
  image?: string;
  env_file?: string | string[];
  cpus?: string | number;
  build?: { context: string; target: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  container_name?: string;
  stop_grace_period?: string;
  stop_signal?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { disable?: boolean; test?: string[] };
  deploy?: {
    resources?: { reservations?: { devices?: { driver: string; count: number; capabilities: string[] }[] } };
  };
}

// Docker is not available on these machines: the files are checked by parsing them, not by running them.
const compose = parse(readRepoFile('docker-compose.yml'), { merge: true, uniqueKeys: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const dockerfile = parseDockerfile(readRepoFile('Dockerfile'));
const stages = dockerfile.filter(([instruction]) => instruction === 'FROM').map(([, args]) => args);
const stageNames = stages.map((from) => /\sAS\s+(\S+)$/i.exec(from)?.[1]);

/** The instructions of one stage of the Dockerfile. */
function stage(name: string): [string, string][] {
  const start = dockerfile.findIndex(
    ([instruction, args]) => instruction === 'FROM' && args.endsWith(` AS ${name}`),
  );
  assert.ok(start >= 0, `stage ${name}`);
  const end = dockerfile.findIndex(([instruction], index) => index > start && instruction === 'FROM');
  return dockerfile.slice(start, end < 0 ? undefined : end);
}

describe('docker-compose.yml', () => {
  const { services } = compose;

  test('redis persists with AOF on a named volume', () => {
    const redis = services.redis;
    assert.ok(redis.command?.join(' ').includes('--appendonly yes'));
    assert.ok(redis.volumes?.includes('redis-data:/data'));
    assert.ok(redis.healthcheck?.test?.includes('ping'));
  });

  test('the API and the workers run the CPU image in their roles, after Redis is healthy', () => {
    assert.equal(services.api.environment?.APP_ROLE, 'api');
    assert.equal(services.api.environment?.PORT, '8088');
    assert.equal(services.api.environment?.HOST, '0.0.0.0', 'inside its container, whatever .env says');
    assert.equal(services.worker.environment?.APP_ROLE, 'worker');
    for (const name of ['api', 'worker']) {
      assert.equal(services[name].build?.target, 'cpu');
      assert.equal(services[name].depends_on?.redis.condition, 'service_healthy');
      assert.equal(services[name].environment?.REDIS_URL, 'redis://redis:6379');
    }
  });

  test('workers can be scaled: no fixed name or host port, and they share the uploads and models', () => {
    const worker = services.worker;
    assert.equal(worker.container_name, undefined);
    assert.equal(worker.ports, undefined);
    assert.ok(worker.volumes?.includes('uploads:/var/lib/speech-server/uploads'));
    assert.ok(services.api.volumes?.includes('uploads:/var/lib/speech-server/uploads'));
    assert.ok(worker.volumes?.includes('models:/models:ro'));
    assert.equal(worker.healthcheck?.disable, true, 'a worker serves no /health');
  });

  test('worker-gpu is behind the gpu profile, built from the CUDA target, with a GPU reservation', () => {
    const gpu = services['worker-gpu'];
    assert.deepEqual(gpu.profiles, ['gpu']);
    assert.equal(gpu.build?.target, 'cuda');
    assert.equal(gpu.environment?.APP_ROLE, 'worker');
    const devices = gpu.deploy?.resources?.reservations?.devices ?? [];
    assert.deepEqual(devices, [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
  });

  test('every build target exists in the Dockerfile and every named volume is declared', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build)
        assert.ok(stageNames.includes(service.build.target), `${name}: ${service.build.target}`);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (!source.startsWith('.') && !source.startsWith('/')) {
          assert.ok(source in compose.volumes, `${name}: volume ${source}`);
        }
      }
    }
    assert.deepEqual(Object.keys(compose.volumes).sort(), ['models', 'redis-data', 'uploads']);
  });

  test("the API is published on loopback by default: Docker's port rules bypass the host firewall", () => {
    assert.deepEqual(services.api.ports, ['${API_BIND:-127.0.0.1}:${API_PORT:-8088}:8088']);
    assert.match(services.api.environment?.TRUST_PROXY ?? '', /loopback/);
  });

  test('the app services get the whole .env; compose sets only what describes the containers', () => {
    for (const name of ['api', 'worker', 'worker-gpu']) {
      assert.equal(services[name].env_file, '.env', `${name} passes webhook, rate-limit, ... settings`);
      for (const secret of ['JWT_SECRET', 'WEBHOOK_SECRET', 'RATE_LIMIT_UPLOADS_PER_MINUTE']) {
        assert.equal(services[name].environment?.[secret], undefined, `${name}: ${secret} comes from .env`);
      }
    }
  });

  test('each worker replica is sized to its own cores, not to every host core', () => {
    for (const name of ['worker', 'worker-gpu']) {
      const service = services[name];
      assert.ok(service.cpus !== undefined, `${name} has a CPU limit`);
      assert.equal(service.environment?.WHISPER_THREADS, String(service.cpus), name);
    }
    assert.equal(services.worker.environment?.DIARIZATION_THREADS, String(services.worker.cpus));
    assert.equal(services.worker.environment?.WHISPER_USE_GPU, 'false');
    assert.equal(services.worker.environment?.DIARIZATION_PROVIDER, 'cpu');
    const gpu = services['worker-gpu'].environment ?? {};
    assert.deepEqual(
      [gpu.WHISPER_USE_GPU, gpu.WHISPER_GPU_DEVICE, gpu.DIARIZATION_PROVIDER, gpu.DIARIZATION_GPU_DEVICE],
      ['true', '0', 'cuda', '0'],
    );
  });

  test('services set only variables the app reads; stop grace covers the worst case of a stop', () => {
    const known = knownEnvVars();
    for (const [name, service] of Object.entries(services)) {
      if (name === 'redis') continue;
      const unknown = Object.keys(service.environment ?? {}).filter((variable) => !known.has(variable));
      assert.deepEqual(unknown, [], name);
    }
    const grace = Number(parseEnvFile(readRepoFile('.env.example')).get('SHUTDOWN_GRACE_MS')) / 1000;
    assert.ok(grace > 0);
    for (const name of ['api', 'worker', 'worker-gpu']) {
      assert.ok(seconds(services[name].stop_grace_period ?? '0') >= workerStopWorstCase(grace) + 10, name);
      assert.equal(services[name].stop_signal, 'SIGTERM');
    }
  });

  test('the models service installs the default model set into the models volume', () => {
    const models = services.models;
    assert.deepEqual(models.profiles, ['tools']);
    assert.ok(models.volumes?.includes('models:/models'));
    assert.equal(models.environment?.MODELS_DIR, '/models');
  });
});

describe('Dockerfile', () => {
  test('CPU is the default target; CUDA builds from an nvidia/cuda devel image with --cuda', () => {
    assert.equal(stageNames.at(-1), 'cpu', 'the last stage is what a plain docker build produces');
    const buildCuda = stage('build-cuda');
    assert.match(buildCuda[0][1], /^nvidia\/cuda:\$\{CUDA_VERSION\}-devel-/);
    assert.ok(
      buildCuda.some(
        ([instruction, args]) => instruction === 'RUN' && args.includes('npm run build:native -- --cuda'),
      ),
    );
    assert.ok(
      stage('build-cpu').some(
        ([instruction, args]) => instruction === 'RUN' && /npm run build:native(?! -- --cuda)/.test(args),
      ),
    );
    assert.match(stage('cuda')[0][1], /^nvidia\/cuda:\$\{CUDA_VERSION\}-cudnn-runtime-/);
  });

  for (const name of ['cpu', 'cuda']) {
    test(`${name} runtime: ffmpeg, a non-root user, port 8088 and a /health check`, () => {
      const instructions = stage(name);
      const find = (instruction: string): string[] =>
        instructions.filter(([candidate]) => candidate === instruction).map(([, args]) => args);
      assert.ok(find('RUN').some((args) => /apt-get install[^&]*\bffmpeg\b/.test(args)));
      const user = find('USER').at(-1);
      assert.ok(user && user !== 'root' && user !== '0', `USER ${user}`);
      assert.deepEqual(find('EXPOSE'), ['8088']);
      assert.match(find('HEALTHCHECK').at(-1) ?? '', /\/health/);
      assert.ok(
        find('COPY').some((args) => args.includes('native/build/Release')),
        'the addon',
      );
      assert.ok(!find('COPY').some((args) => /^\.\s/.test(args)), 'no sources copied into the runtime');
    });
  }

  test('images run Node 24 LTS, and the app user has the fixed UID and GID the systemd hosts use', () => {
    const nodeImage = dockerfile.find(
      ([instruction, args]) => instruction === 'ARG' && args.startsWith('NODE_IMAGE='),
    );
    assert.match(nodeImage?.[1] ?? '', /^NODE_IMAGE=node:24[.-]/);
    for (const name of ['cpu', 'cuda']) {
      const run = stage(name)
        .filter(([instruction]) => instruction === 'RUN')
        .map(([, args]) => args)
        .join(' ');
      assert.match(run, /groupadd --system --gid 10001 speech/);
      assert.match(run, /useradd --system --uid 10001 --gid 10001/);
    }
    assert.match(readRepoFile('deploy', 'README.md'), /useradd --system --uid 10001 --gid 10001/);
  });

  test('portable CPU builds in both images; no SOURCE_DATE_EPOCH trap', () => {
    for (const name of ['build-cpu', 'build-cuda']) {
      const instructions = stage(name);
      assert.ok(
        instructions.some(([i, args]) => i === 'ARG' && args === 'NATIVE_BUILD_OPTIONS="--portable"'),
        name,
      );
      assert.ok(
        instructions.some(([i, args]) => i === 'RUN' && args.includes('${NATIVE_BUILD_OPTIONS}')),
        name,
      );
    }
    assert.doesNotMatch(readRepoFile('Dockerfile'), /SOURCE_DATE_EPOCH=/);
  });

  test('ONNX Runtime: no install scripts on CPU; the GPU image runs the installer with the flag it parses', () => {
    const cpuRuns = stage('build-cpu')
      .filter(([i]) => i === 'RUN')
      .map(([, args]) => args);
    assert.ok(cpuRuns.some((args) => args.includes('npm ci --ignore-scripts')));
    assert.ok(!cpuRuns.some((args) => args.includes('onnxruntime-node/script/install')));
    const cudaRuns = stage('build-cuda')
      .filter(([i]) => i === 'RUN')
      .map(([, args]) => args)
      .join(' ');
    assert.match(cudaRuns, /npm ci --ignore-scripts/);
    assert.match(
      cudaRuns,
      /node node_modules\/onnxruntime-node\/script\/install\.js --onnxruntime-node-install &&/,
    );
    assert.match(
      cudaRuns,
      /test -f node_modules\/onnxruntime-node\/bin\/napi-v6\/linux\/x64\/libonnxruntime_providers_cuda\.so/,
    );
  });

  test('.dockerignore keeps local builds, models and secrets out of the context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', 'native/build', 'models', '.env', '.git']) {
      assert.ok(ignored.includes(entry), entry);
    }
  });
});
