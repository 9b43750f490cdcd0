import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readWavFile, writeWavFile } from '../../libs/audio';
import { computeDer } from '../../libs/diarization';
import { parseRttm } from '../../libs/formats';
import { readSrt, readVtt } from '../formats/subtitle-parsers';
import { fixtures, models, repoRoot, skipUnlessPresent } from '../support/shared-files';
import { readRttmStrictly } from './read-output';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The child sees no model paths from the environment and no installed models (MODELS_DIR is a
 * folder that does not exist): each test says what it uses.
 */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELS_DIR: path.join(os.tmpdir(), 'cli-no-models-here') };
  for (const name of [
    'WHISPER_MODEL_PATH',
    'VAD_MODEL_PATH',
    'SEGMENTATION_MODEL_PATH',
    'EMBEDDING_MODEL_PATH',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

/** Runs the CLI with stdout and stderr piped, as a script or CI would. */
function transcribe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'transcribe', ...args],
      { maxBuffer: 16 << 20, env: childEnv(env) },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs the CLI under a pseudo-terminal (util-linux `script`), which is where the progress bar shows. */
function transcribeOnTerminal(args: string[]): Promise<Run> {
  const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, cli, 'transcribe', ...args].map(quote).join(' ');
  return new Promise((resolve) => {
    execFile(
      'script',
      ['-qec', command, '/dev/null'],
      { maxBuffer: 16 << 20, env: childEnv() },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function assertCleanSuccess(run: Run): void {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '', 'nothing on stderr when it is not a terminal');
}

const HEAD_SECONDS = 12.5;
const hasScript = ['/usr/bin/script', '/bin/script'].some((file) => existsSync(file));

describe(
  'npm run cli -- transcribe (dummy Whisper, real VAD and segmentation)',
  {
    skip: skipUnlessPresent(
      models.whisperTiny,
      models.sileroVad,
      models.segmentation,
      fixtures.audio('conv-en-2spk.wav'),
      fixtures.audio('conv-en-2spk.rttm'),
    ),
  },
  () => {
    let dir: string;
    let input: string;
    const fileId = 'conv-en-2spk-head';
    const base = (): string[] => [
      input,
      '--model',
      models.whisperTiny,
      '--segmentation-model',
      models.segmentation,
      '--threads',
      '2',
      '--language',
      'en',
    ];

    before(() => {
      // The first 12.5 s (three turns, two speakers): one Whisper window and one segmentation window keep runs short.
      dir = mkdtempSync(path.join(os.tmpdir(), 'cli-transcribe-'));
      input = path.join(dir, `${fileId}.wav`);
      const { samples } = readWavFile(fixtures.audio('conv-en-2spk.wav'));
      writeWavFile(input, samples.subarray(0, HEAD_SECONDS * 16000));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('json with --word-timestamps and VAD: the contract array on stdout, nothing else', async () => {
      const run = await transcribe([...base(), '--vad-model', models.sileroVad, '--word-timestamps']);
      assertCleanSuccess(run);
      assert.ok(run.stdout.endsWith('\n'));
      const entries = JSON.parse(run.stdout) as unknown[];
      assert.ok(Array.isArray(entries));
      // The dummy model writes no text; any entry there is must still have the documented shape.
      for (const entry of entries as Array<Record<string, unknown>>) {
        assert.deepEqual(Object.keys(entry), ['speaker', 'start', 'end', 'text', 'words', 'probability']);
      }
    });

    test('srt and vtt parse back with the subtitle parsers', async () => {
      const srt = await transcribe([...base(), '--format', 'srt']);
      assertCleanSuccess(srt);
      const srtCues = readSrt(srt.stdout);
      const vtt = await transcribe([...base(), '--format', 'vtt']);
      assertCleanSuccess(vtt);
      assert.match(vtt.stdout, /^WEBVTT\n/);
      const vttCues = readVtt(vtt.stdout);
      for (const cue of [...srtCues, ...vttCues]) {
        assert.ok(
          Number.isInteger(cue.speaker) && cue.endMs > cue.startMs && cue.endMs <= HEAD_SECONDS * 1000,
        );
      }
    });

    test('txt is only labelled lines', async () => {
      const run = await transcribe([...base(), '--format', 'txt']);
      assertCleanSuccess(run);
      for (const line of run.stdout.split('\n').slice(0, -1)) assert.match(line, /^\[SPEAKER \d+\] \S/);
    });

    test('rttm: 10 fields, file id = input base name, the diarized turns', async () => {
      const run = await transcribe([...base(), '--format', 'rttm', '--speakers', '2']);
      assertCleanSuccess(run);
      const lines = readRttmStrictly(run.stdout, fileId);
      assert.ok(lines.length >= 2, run.stdout);
      assert.deepEqual(new Set(lines.map((line) => line.speaker)), new Set([0, 1]));
      for (const line of lines) assert.ok(line.start >= 0 && line.end <= HEAD_SECONDS + 0.01);
      const reference = parseRttm(readFileSync(fixtures.audio('conv-en-2spk.rttm'), 'utf8'))
        .filter((turn) => turn.start < HEAD_SECONDS)
        .map((turn) => ({ ...turn, end: Math.min(turn.end, HEAD_SECONDS) }));
      const { der } = computeDer(
        reference,
        lines.map((line) => ({ ...line, speaker: String(line.speaker) })),
      );
      assert.ok(der < 0.25, `DER ${der.toFixed(3)} against the reference`);
    });

    test('--max-speakers bounds the automatic count', async () => {
      const run = await transcribe([...base(), '--format', 'rttm', '--max-speakers', '1']);
      assertCleanSuccess(run);
      const lines = readRttmStrictly(run.stdout, fileId);
      assert.ok(lines.length > 0);
      assert.deepEqual(new Set(lines.map((line) => line.speaker)), new Set([0]));
    });

    test('--output writes the file, atomically, and leaves stdout empty', async () => {
      const output = path.join(dir, 'result.vtt');
      const run = await transcribe([...base(), '--format', 'vtt', '--output', output]);
      assertCleanSuccess(run);
      assert.equal(run.stdout, '');
      readVtt(readFileSync(output, 'utf8'));
      assert.deepEqual(
        readdirSync(dir).filter((name) => name.endsWith('.tmp')),
        [],
        'no temporary file left',
      );
    });

    test(
      'on a terminal a progress bar with stages and percent goes to stderr, then is erased',
      { skip: hasScript ? false : 'needs util-linux `script` for a pseudo-terminal' },
      async () => {
        const output = path.join(dir, 'terminal.json');
        const run = await transcribeOnTerminal([...base(), '--output', output]);
        assert.equal(run.code, 0, run.stdout);
        const frames = run.stdout.split('\r').map((frame) => frame.trim());
        for (const stage of ['loading', 'decoding', 'transcribing', 'diarizing', 'combining']) {
          assert.ok(
            frames.some((frame) => new RegExp(`^${stage} \\[[#-]{24}\\] +\\d+%`).test(frame)),
            `a ${stage} frame in ${JSON.stringify(run.stdout)}`,
          );
        }
        const percents = frames.flatMap((frame) => /(\d+)%/.exec(frame)?.[1] ?? []).map(Number);
        assert.deepEqual(
          percents,
          [...percents].sort((a, b) => a - b),
          'the percentage never goes back',
        );
        assert.equal(percents.at(-1), 100);
        assert.equal(frames.at(-1), '', 'the bar is erased at the end');
        assert.ok(Array.isArray(JSON.parse(readFileSync(output, 'utf8'))));
        const quiet = await transcribeOnTerminal([...base(), '--output', output, '--no-progress']);
        assert.equal(quiet.code, 0, quiet.stdout);
        assert.equal(quiet.stdout, '', '--no-progress draws nothing');
      },
    );

    test('models installed under MODELS_DIR are found as the server finds them; a model set to off is none', async () => {
      const installed = path.join(dir, 'models');
      for (const [folder, file] of [
        ['whisper', models.whisperTiny],
        ['segmentation', models.segmentation],
      ]) {
        mkdirSync(path.join(installed, folder), { recursive: true });
        symlinkSync(file, path.join(installed, folder, path.basename(file)));
      }
      const args = [input, '--threads', '2', '--language', 'en', '--format', 'rttm'];
      const found = await transcribe(args, { MODELS_DIR: installed });
      assertCleanSuccess(found);
      assert.ok(found.stdout.trim().split('\n').length >= 2, `diarized turns: ${found.stdout}`);
      const off = await transcribe([...args, '--format', 'json'], {
        MODELS_DIR: installed,
        SEGMENTATION_MODEL_PATH: 'off',
      });
      assertCleanSuccess(off);
      const speakers = await transcribe([...args, '--speakers', '2'], {
        MODELS_DIR: installed,
        SEGMENTATION_MODEL_PATH: 'off',
      });
      assert.match(speakers.stderr, /need a segmentation model/, 'off means no segmentation model');
    });

    test('every error is one line on stderr with exit code 1 and nothing on stdout', async () => {
      const segmentation = ['--segmentation-model', models.segmentation];
      const model = ['--model', models.whisperTiny];
      const cases: Array<[string[], RegExp]> = [
        [[...base(), '--speakers', '3', '--min-speakers', '4'], /--speakers \(3\) is outside --min-speakers/],
        [
          [...base(), '--min-speakers', '3', '--max-speakers', '2'],
          /--min-speakers \(3\) is greater than --max-speakers \(2\)/,
        ],
        [[input, ...model, '--speakers', '2'], /need a segmentation model/],
        [[...base(), '--format', 'xml'], /Allowed choices are json, srt, vtt, txt, rttm/],
        [[...base(), '--speakers', 'two'], /--speakers .* is invalid/],
        [[...base(), '--language', 'xx'], /unknown language code "xx"/],
        [[input], /--model is required/],
        [[path.join(dir, 'missing.wav'), ...model], /cannot read .*missing\.wav/],
        [
          [...base(), '--output', path.join(dir, 'no-such-folder', 'out.srt')],
          /cannot write to .*no-such-folder/,
        ],
        [[fixtures.bad('png-renamed.mp3'), ...model, ...segmentation], /^error: .+/],
        [[fixtures.bad('header-only.wav'), ...model], /holds no audio/],
      ];
      for (const [args, message] of cases) {
        const run = await transcribe(args);
        const label = args.slice(1).join(' ');
        assert.equal(run.code, 1, `${label}: ${run.stderr}`);
        assert.equal(run.stdout, '', label);
        assert.equal(run.stderr.trimEnd().split('\n').length, 1, `${label}: ${run.stderr}`);
        assert.match(run.stderr.trim(), /^error: /);
        assert.match(run.stderr.trim(), message);
      }
      assert.equal(existsSync(path.join(dir, 'no-such-folder')), false);
    });
  },
);
