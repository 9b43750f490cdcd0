#!/usr/bin/env node
// Builds the whisper.cpp addon (native/) with cmake-js into native/build/.
//   npm run build:native                 CPU build (default)
//   npm run build:native -- --cuda       adds -DGGML_CUDA=ON (or WHISPER_GPU=cuda); needs the CUDA toolkit with cuBLAS
//   npm run build:native -- --with-cli   also builds whisper.cpp's whisper-cli from the same tree and build (benchmark)
// WHISPER_CPP_DIR points the build at another whisper.cpp tree (default: the one pinned in
// node_modules/nodejs-whisper/cpp/whisper.cpp). BUILD_JOBS sets the parallelism (default: all cores).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const nativeDir = path.join(root, 'native');
const buildDir = path.join(nativeDir, 'build');
const args = new Set(process.argv.slice(2));
const known = new Set(['--cuda', '--cpu', '--with-cli', '--help']);
const unknown = [...args].filter((arg) => !known.has(arg));

if (args.has('--help') || unknown.length > 0) {
  if (unknown.length > 0) console.error(`build-native: unknown option ${unknown.join(' ')}`);
  console.error('usage: node scripts/build-native.js [--cuda|--cpu] [--with-cli]');
  process.exit(unknown.length > 0 ? 2 : 0);
}

const gpu = args.has('--cuda') ? 'cuda' : args.has('--cpu') ? 'off' : (process.env.WHISPER_GPU ?? 'off');
if (!['off', 'cpu', 'cuda'].includes(gpu)) {
  console.error(`build-native: WHISPER_GPU must be "off" or "cuda", not "${gpu}"`);
  process.exit(2);
}
const whisperDir = path.resolve(
  process.env.WHISPER_CPP_DIR ?? path.join(root, 'node_modules', 'nodejs-whisper', 'cpp', 'whisper.cpp'),
);
if (!existsSync(path.join(whisperDir, 'include', 'whisper.h'))) {
  console.error(`build-native: no whisper.cpp tree at ${whisperDir} (run npm ci, or set WHISPER_CPP_DIR)`);
  process.exit(1);
}
const jobs = String(Number(process.env.BUILD_JOBS) || os.availableParallelism?.() || os.cpus().length);
const withCli = args.has('--with-cli');

// Every option is passed explicitly, so switching CPU/CUDA or the tree reconfigures the cache.
const defines = [
  `WHISPER_CPP_DIR=${whisperDir}`,
  `GGML_CUDA=${gpu === 'cuda' ? 'ON' : 'OFF'}`,
  `WHISPER_ADDON_CLI=${withCli ? 'ON' : 'OFF'}`,
];

// Node's own headers ship with the installed runtime (<prefix>/include/node): point cmake-js at them
// instead of letting it download them, which fails offline.
const env = { ...process.env };
const nodePrefix = path.resolve(path.dirname(process.execPath), '..');
if (!env.npm_config_nodedir && existsSync(path.join(nodePrefix, 'include', 'node', 'node_api.h'))) {
  env.npm_config_nodedir = nodePrefix;
}

function run(command, commandArgs) {
  console.log(`build-native: ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
run(process.execPath, [
  cmakeJs,
  'compile',
  '--directory',
  nativeDir,
  '--out',
  buildDir,
  '--config',
  'Release',
  '--parallel',
  jobs,
  ...defines.map((define) => `--CD${define}`),
]);

if (withCli) {
  run('cmake', ['--build', buildDir, '--config', 'Release', '--target', 'whisper-cli', '--parallel', jobs]);
  console.log(`build-native: whisper-cli in ${path.join(buildDir, 'bin')}`);
}
console.log(`build-native: addon in ${path.join(buildDir, 'Release', 'whisper_addon.node')}`);
