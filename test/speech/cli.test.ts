import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fixtures, models, repoRoot, skipUnlessPresent } from '../support/shared-files';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function transcribe(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, 'transcribe', ...args],
      { maxBuffer: 16 << 20, env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe(
  'npm run cli -- transcribe',
  { skip: skipUnlessPresent(models.whisperTiny, models.sileroVad, fixtures.audio('conv-en-2spk.mkv')) },
  () => {
    // whisper-json: Whisper's own output before diarization (the default json is the contract's results).
    const base = ['--model', models.whisperTiny, '--threads', '2', '--format', 'whisper-json'];

    test('decodes a video container and prints the transcription as JSON; VAD_MODEL_PATH=off turns the installed VAD off', async () => {
      const run = await transcribe([fixtures.audio('conv-en-2spk.mkv'), ...base, '--language', 'en'], {
        ...process.env,
        VAD_MODEL_PATH: 'off',
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr, '', 'whisper.cpp must not log to stderr');
      const body = JSON.parse(run.stdout) as Record<string, unknown>;
      assert.equal(body.file, 'conv-en-2spk.mkv');
      assert.equal(body.language, 'en');
      assert.ok(Math.abs((body.duration as number) - 29.39) < 0.2, `duration ${String(body.duration)}`);
      assert.ok(Array.isArray(body.segments));
      assert.deepEqual(body.speech_regions, []);
    });

    test('with --vad-model the speech regions come back in seconds of the file', async () => {
      const run = await transcribe([
        fixtures.audio('conv-ko-2spk.wav'),
        ...base,
        '--vad-model',
        models.sileroVad,
      ]);
      assert.equal(run.code, 0, run.stderr);
      const body = JSON.parse(run.stdout) as {
        duration: number;
        speech_regions: Array<{ start: number; end: number }>;
      };
      assert.ok(body.speech_regions.length > 0);
      for (const region of body.speech_regions)
        assert.ok(region.start < region.end && region.end <= body.duration);
    });

    test('bad input ends with a one-line error and exit code 1', async () => {
      const cases: Array<[string[], RegExp]> = [
        [[fixtures.bad('png-renamed.mp3'), ...base], /^error: .*/],
        [[fixtures.audio('conv-en-2spk.wav'), '--model', '/nonexistent/model.bin'], /does not exist/],
        [[fixtures.audio('conv-en-2spk.wav'), ...base, '--language', 'xx'], /unknown language code "xx"/],
      ];
      for (const [args, message] of cases) {
        const run = await transcribe(args);
        assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr.trim(), message);
        assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
        assert.equal(run.stdout, '');
      }
    });
  },
);
