import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TransferProgressBar } from '../../src/cli/commands/models-progress';

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  let output = '';
  const stream = {
    isTTY,
    columns: 80,
    write: (text: string) => ((output += text), true),
  } as unknown as NodeJS.WriteStream;
  return { stream, written: () => output };
}

test('the progress bar draws on a terminal and ends at 100 %', () => {
  const { stream, written } = fakeStream(true);
  const bar = new TransferProgressBar(stream);
  const total = 10 * 1024 * 1024;
  bar.update({ label: 'base', phase: 'download', bytes: 0, totalBytes: total });
  bar.update({ label: 'base', phase: 'download', bytes: total, totalBytes: total });
  const frames = written().split('\r').filter(Boolean);
  assert.match(frames[0], /^download base \[-{24}\]\s+0% 0\.0\/10\.0 MiB/);
  assert.match(frames[frames.length - 1], /^download base \[#{24}\] 100% 10\.0\/10\.0 MiB/);
  assert.ok(
    frames.every((frame) => frame.length === 79),
    'each frame fills the line, never wraps',
  );
  bar.clear();
  assert.match(written(), /\r {79}\r$/);
});

test('without a terminal the progress bar writes nothing', () => {
  const { stream, written } = fakeStream(false);
  const bar = new TransferProgressBar(stream);
  bar.update({ label: 'base', phase: 'copy', bytes: 5, totalBytes: 10 });
  bar.clear();
  assert.equal(written(), '');
});
