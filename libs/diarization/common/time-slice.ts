import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { throwIfAborted } from '../errors';

/** Await it often inside a long loop: it gives the event loop a turn once the time slice is spent. */
export type Yielder = () => Promise<void>;

/** Long enough that the pauses cost nothing measurable, short enough that requests barely notice. */
export const DEFAULT_SLICE_MS = 10;

/**
 * Lets long synchronous work share the event loop with the caller's other work (the API runs in the
 * same process): the returned function resolves at once while less than `budgetMs` has passed since
 * the last pause, and otherwise waits for one turn of the event loop (setImmediate, so pending I/O
 * runs first). A fired `signal` rejects with AbortError after a pause: only other work on this thread
 * can fire it, and that runs only while we pause.
 */
export function createYielder(budgetMs = DEFAULT_SLICE_MS, signal?: AbortSignal): Yielder {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < budgetMs) return;
    await setImmediate();
    throwIfAborted(signal);
    sliceStart = performance.now();
  };
}
