import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { computeDer } from '../../libs/diarization';
import { fixtures, models, repoRoot, skipUnlessPresent } from '../support/shared-files';
import { type ChannelSource, sourceSpeechTurns, writeChannelsWav } from '../support/stereo';

const cli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const SOURCES: ChannelSource[] = [
  { file: fixtures.real('jfk.wav'), offsetSeconds: 1.25 },
  { file: fixtures.real('librispeech-1995-1837-0001.wav'), offsetSeconds: 6.5 },
];

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, MODELS_DIR: path.join(os.tmpdir(), 'cli-no-models-here') } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe(
  'the command line: --channels',
  { skip: skipUnlessPresent(models.whisperTiny, models.sileroVad, ...SOURCES.map((s) => s.file)) },
  () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'cli-channels-'));
    const built = path.join(work, 'call.wav');
    before(() => writeChannelsWav(built, SOURCES, 20));
    after(() => rmSync(work, { recursive: true, force: true }));

    test('diarize --channels: each channel speech regions as its speaker, DER <= 2 %', async () => {
      const result = await run([
        'diarize',
        built,
        '--channels',
        '--vad-model',
        models.sileroVad,
        '--format',
        'json',
      ]);
      assert.equal(result.code, 0, result.stderr);
      const body = JSON.parse(result.stdout) as {
        speaker_count: number;
        turns: { speaker: number; start: number; end: number }[];
      };
      assert.equal(body.speaker_count, 2);
      const der = computeDer(await sourceSpeechTurns(SOURCES, models.sileroVad), body.turns);
      assert.ok(der.der <= 0.02, `DER ${(der.der * 100).toFixed(2)} %`);
    });

    test('transcribe --channels runs each channel; a mono file is one clear line and exit 1', async () => {
      const base = [
        '--model',
        models.whisperTiny,
        '--vad-model',
        models.sileroVad,
        '--language',
        'en',
        '--threads',
        '2',
      ];
      const ok = await run([
        'transcribe',
        built,
        '--channels',
        '--hotwords',
        'Kubernetes, SQL',
        ...base,
        '--no-progress',
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok(Array.isArray(JSON.parse(ok.stdout)));
      const mono = await run(['transcribe', SOURCES[0].file, '--channels', ...base, '--no-progress']);
      assert.equal(mono.code, 1);
      assert.match(mono.stderr.trim(), /^[^\n]*this one is mono$/);
      const badSpelling = await run(['transcribe', built, '--custom-spelling', '{"SQL": "sequel"}', ...base]);
      assert.equal(badSpelling.code, 1);
      assert.match(badSpelling.stderr, /--custom-spelling: "SQL" must map from a non-empty list of words/);
    });
  },
);
