import assert from 'node:assert/strict';
import type { ResultBody } from './http-client';

export const STAGES = ['initializing', 'transcribing', 'diarizing', 'combining'];

/** `{"status":"pending"}` or `{"status":"processing","info":stage,"progress":pct}`, nothing else. */
export function assertIntermediateShape(body: ResultBody): void {
  if (body.status === 'pending') {
    assert.deepEqual(body, { status: 'pending' });
    return;
  }
  assert.equal(body.status, 'processing', `unexpected status in ${JSON.stringify(body)}`);
  assert.deepEqual(Object.keys(body).sort(), ['info', 'progress', 'status']);
  assert.ok(STAGES.includes(body.info as string), `unknown stage ${String(body.info)}`);
  assert.ok(
    Number.isInteger(body.progress) && (body.progress as number) >= 0 && (body.progress as number) <= 100,
  );
}

/**
 * `{"status":"completed","results":[{speaker,start,end,text}]}` with speakers numbered by first
 * appearance, and the addition `warnings` only where something needs saying (a partial decode).
 */
export function assertCompletedShape(body: ResultBody): void {
  const keys = Object.keys(body).sort();
  if (keys.includes('warnings')) {
    assert.deepEqual(keys, ['results', 'status', 'warnings']);
    assertWarnings(body.warnings);
  } else {
    assert.deepEqual(keys, ['results', 'status']);
  }
  assert.equal(body.status, 'completed');
  assert.ok(Array.isArray(body.results));
  let nextSpeaker = 0;
  let previousStart = -Infinity;
  for (const entry of body.results as Record<string, unknown>[]) {
    assert.deepEqual(Object.keys(entry).sort(), ['end', 'speaker', 'start', 'text']);
    const { speaker, start, end, text } = entry as {
      speaker: number;
      start: number;
      end: number;
      text: string;
    };
    assert.ok(
      Number.isInteger(speaker) && speaker >= 0 && speaker <= nextSpeaker,
      `speaker ${speaker} out of order`,
    );
    if (speaker === nextSpeaker) nextSpeaker++;
    assert.ok(Number.isFinite(start) && Number.isFinite(end) && start >= 0 && start <= end);
    assert.ok(start >= previousStart, 'results are in time order');
    previousStart = start;
    assert.equal(typeof text, 'string');
  }
}

/** A non-empty list of one-line messages that leak no server path (absent rather than empty). */
export function assertWarnings(warnings: unknown): asserts warnings is string[] {
  assert.ok(Array.isArray(warnings) && warnings.length > 0, `warnings: ${JSON.stringify(warnings)}`);
  for (const warning of warnings) {
    assert.ok(typeof warning === 'string' && warning.length > 0 && warning.length <= 500);
    assert.ok(!warning.includes('\n'), 'a warning is one line');
    assert.ok(!/\/tmp\/|e2e-uploads|\//.test(warning), `the warning leaks a path: ${warning}`);
  }
}

/** `{"status":"failed","error":"one line"}` that leaks no server path. */
export function assertFailedShape(body: ResultBody): void {
  assert.deepEqual(Object.keys(body).sort(), ['error', 'status']);
  assert.equal(body.status, 'failed');
  const error = body.error as string;
  assert.ok(typeof error === 'string' && error.length > 0 && error.length <= 500);
  assert.ok(!error.includes('\n'), 'the error is one line');
  assert.ok(!/\/tmp\/|e2e-uploads/.test(error), `the error leaks a server path: ${error}`);
}
