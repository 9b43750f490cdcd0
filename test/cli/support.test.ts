import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { writeOutput } from '../../src/cli/support/output';
import { ProgressBar, type ProgressStream } from '../../src/cli/support/progress-bar';
import { segmentLine } from '../../src/cli/support/segment-line';
import { speakerCountOptions } from '../../src/cli/support/speaker-options';
import { StageProgress } from '../../src/cli/support/stage-progress';

/** A terminal stand-in that records what was drawn. */
function fakeTerminal(isTTY: boolean, columns = 60): ProgressStream & { written: string[] } {
  const written: string[] = [];
  return {
    isTTY,
    columns,
    written,
    write(text: string): boolean {
      written.push(text);
      return true;
    },
  };
}

describe('ProgressBar', () => {
  test('draws nothing when the stream is not a terminal', () => {
    const stream = fakeTerminal(false);
    const bar = new ProgressBar(stream);
    bar.update('transcribing', 50);
    bar.clear();
    assert.equal(bar.enabled, false);
    assert.deepEqual(stream.written, []);
  });

  test('on a terminal: one line redrawn in place, fitted to the width, erased by clear()', () => {
    const stream = fakeTerminal(true, 60);
    let now = 0;
    const bar = new ProgressBar(stream, { now: () => now });
    bar.update('transcribing', 42.7);
    now = 65_000;
    bar.update('transcribing', 100);
    assert.equal(stream.written.length, 2);
    for (const frame of stream.written) {
      assert.ok(frame.startsWith('\r') && !frame.includes('\n'));
      assert.equal(frame.length, 1 + 59, 'padded to the terminal width minus one column');
    }
    assert.match(stream.written[0], /^\rtranscribing \[#{10}-{14}\] {2}42% {2}0:00 *$/);
    assert.match(stream.written[1], /^\rtranscribing \[#{24}\] 100% {2}1:05 *$/);
    bar.clear();
    assert.match(stream.written[2], /^\r {59}\r$/);
  });

  test('throttles redraws within a stage, never within a stage goes back, always draws a new stage', () => {
    const stream = fakeTerminal(true);
    let now = 0;
    const bar = new ProgressBar(stream, { now: () => now, minIntervalMs: 100 });
    bar.update('transcribing', 10);
    now = 50;
    bar.update('transcribing', 20); // too soon
    now = 200;
    bar.update('transcribing', 5); // lower: keeps 10, nothing new to draw
    bar.update('diarizing', 70); // new stage: drawn at once
    assert.deepEqual(
      stream.written.map((frame) => /^\r(\w+) .*?(\d+)%/.exec(frame)?.slice(1)),
      [
        ['transcribing', '10'],
        ['diarizing', '70'],
      ],
    );
  });

  test('print(): a line of output where the bar was, then the bar again on the last line', () => {
    const stream = fakeTerminal(true, 40);
    const bar = new ProgressBar(stream, { now: () => 0 });
    bar.print('before any bar');
    bar.update('transcribing', 30);
    bar.print(segmentLine({ start: 65.25, end: 69.8, text: 'Happy to be here.' }));
    assert.deepEqual(stream.written.slice(0, 1), [`\r${'before any bar'.padEnd(39)}\n`]);
    assert.equal(stream.written[2], `\r${'[1:05.3 -> 1:09.8] Happy to be here.'.padEnd(39)}\n`);
    assert.equal(stream.written[3], stream.written[1], 'the bar as it was, below the line');
    assert.equal(stream.written.length, 4);
    const off = fakeTerminal(false);
    new ProgressBar(off).print('never shown off a terminal');
    assert.deepEqual(off.written, []);
  });
});

describe('StageProgress', () => {
  test("maps each stage's own percent into its span of the whole", () => {
    const stream = fakeTerminal(true);
    const progress = new StageProgress(
      { decoding: [0, 10], transcribing: [10, 90], combining: [90, 100] } as const,
      new ProgressBar(stream, { minIntervalMs: 0 }),
    );
    progress.report('decoding');
    progress.of('transcribing')(50);
    progress.of('transcribing')(150);
    progress.report('combining', 100);
    const percents = stream.written.map((frame) => Number(/(\d+)%/.exec(frame)?.[1]));
    assert.deepEqual(percents, [0, 50, 90, 100]);
  });
});

describe('speaker options', () => {
  test('an exact count wins; min/max pass through; nothing given is automatic', () => {
    assert.deepEqual(speakerCountOptions({ speakers: 3 }), {
      numSpeakers: 3,
      minSpeakers: undefined,
      maxSpeakers: undefined,
    });
    assert.deepEqual(speakerCountOptions({ minSpeakers: 2, maxSpeakers: 4 }), {
      numSpeakers: undefined,
      minSpeakers: 2,
      maxSpeakers: 4,
    });
    assert.deepEqual(speakerCountOptions({ speakers: 3, minSpeakers: 2, maxSpeakers: 4 }).numSpeakers, 3);
    assert.deepEqual(speakerCountOptions({}), {
      numSpeakers: undefined,
      minSpeakers: undefined,
      maxSpeakers: undefined,
    });
  });

  test('contradictions are errors that name the command line flags', () => {
    assert.throws(() => speakerCountOptions({ minSpeakers: 5, maxSpeakers: 2 }), {
      message: '--min-speakers (5) is greater than --max-speakers (2)',
    });
    assert.throws(
      () => speakerCountOptions({ speakers: 6, maxSpeakers: 4 }),
      /^Error: --speakers \(6\) is outside --min-speakers\.\.--max-speakers/,
    );
    assert.throws(() => speakerCountOptions({ speakers: 1, minSpeakers: 2 }), /--speakers \(1\)/);
  });
});

describe('writeOutput', () => {
  test('writes the whole text to the file and leaves no temporary file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-output-'));
    try {
      const file = path.join(dir, 'result.srt');
      const text = `1\n00:00:00,000 --> 00:00:01,000\n${'x'.repeat(100_000)}\n`;
      await writeOutput('old', file);
      await writeOutput(text, file);
      assert.equal(readFileSync(file, 'utf8'), text);
      assert.deepEqual(readdirSync(dir), ['result.srt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failed write leaves nothing behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cli-output-'));
    try {
      // A folder in the way of the final name: the rename fails after the temporary file was written.
      mkdirSync(path.join(dir, 'taken'));
      await assert.rejects(writeOutput('text', path.join(dir, 'taken')));
      await assert.rejects(writeOutput('text', path.join(dir, 'missing', 'result.txt')), { code: 'ENOENT' });
      assert.deepEqual(readdirSync(dir), ['taken']);
      assert.deepEqual(readdirSync(path.join(dir, 'taken')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
