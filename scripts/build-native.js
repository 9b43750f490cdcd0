#!/usr/bin/env node
// Builds the whisper.cpp addon (native/) with cmake-js into native/build/.
//   npm run build:native                 CPU build (default)
//   npm run build:native -- --cuda       adds -DGGML_CUDA=ON (or WHISPER_GPU=cuda); needs the CUDA toolkit with cuBLAS
//   npm run build:native -- --with-cli   also builds whisper.cpp's whisper-cli from the same tree and build (benchmark)
//   npm run build:native -- --portable   runs on any CPU of the architecture's baseline, not only the build machine's:
//                                        x86-64-v3 on x64 (AVX, AVX2, FMA, F16C, BMI2: Haswell / Zen and later);
//                                        the default is GGML_NATIVE (-march=native), for builds run where they are made
//   npm run build:native -- --out DIR    builds into DIR instead of native/build (e.g. a second variant for a benchmark)
//   npm run build:native -- -DNAME=VALUE any further CMake option for whisper.cpp/ggml (e.g. -DGGML_AVX512=ON)
// WHISPER_CPP_DIR points the build at another whisper.cpp tree (default: the one pinned in
// node_modules/nodejs-whisper/cpp/whisper.cpp). BUILD_JOBS sets the parallelism (default: all cores).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const nativeDir = path.join(root, 'native');
const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
const outValue = outIndex >= 0 ? argv.splice(outIndex, 2)[1] : undefined;
const buildDir = outValue ? path.resolve(outValue) : path.join(nativeDir, 'build');
const isCmakeOption = (arg) => /^-D[A-Za-z_][A-Za-z0-9_]*=/.test(arg);
const cmakeOptions = argv.filter(isCmakeOption).map((arg) => arg.slice(2));
const args = new Set(argv.filter((arg) => !isCmakeOption(arg)));
const known = new Set(['--cuda', '--cpu', '--with-cli', '--portable', '--help']);
const unknown = [...args].filter((arg) => !known.has(arg));
if (outIndex >= 0 && !outValue) unknown.push('--out (needs a folder)');

if (args.has('--help') || unknown.length > 0) {
  if (unknown.length > 0) console.error(`build-native: unknown option ${unknown.join(' ')}`);
  console.error(
    'usage: node scripts/build-native.js [--cuda|--cpu] [--portable] [--with-cli] [--out DIR] [-DNAME=VALUE ...]',
  );
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

const portable = args.has('--portable');

/**
 * CPU instruction sets. GGML_NATIVE is always explicit: ggml turns it off by itself wherever SOURCE_DATE_EPOCH
 * is set (reproducible builds, Docker), and with it every AVX flag, which made whisper.cpp 13-30x slower.
 * The portable x64 set is x86-64-v3; AVX-512 is left out (absent on many current CPUs, little gain here).
 */
function cpuDefines() {
  if (!portable) return ['GGML_NATIVE=ON'];
  if (process.arch !== 'x64') return ['GGML_NATIVE=OFF']; // ggml's baseline for the architecture (e.g. armv8 NEON)
  const x86_64_v3 = ['SSE42', 'AVX', 'AVX2', 'FMA', 'F16C', 'BMI2'].map((feature) => `GGML_${feature}=ON`);
  const off = ['AVX_VNNI', 'AVX512', 'AVX512_VBMI', 'AVX512_VNNI', 'AVX512_BF16'].map((f) => `GGML_${f}=OFF`);
  return ['GGML_NATIVE=OFF', ...x86_64_v3, ...off];
}

// Every option is passed explicitly, so switching CPU/CUDA, portable/native or the tree reconfigures the cache;
// options given on the command line come last and win.
const defines = [
  `WHISPER_CPP_DIR=${whisperDir}`,
  `GGML_CUDA=${gpu === 'cuda' ? 'ON' : 'OFF'}`,
  `WHISPER_ADDON_CLI=${withCli ? 'ON' : 'OFF'}`,
  ...cpuDefines(),
  ...cmakeOptions,
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
