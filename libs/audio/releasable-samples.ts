/** An ArrayBuffer created resizable (ES2024; Node 20 has it, this project's TypeScript lib does not). */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly resizable: boolean;
  resize(byteLength: number): void;
}

const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableArrayBuffer;

/**
 * Zeroed samples whose memory releaseSamples() hands back to the system at once. A plain array's
 * memory is freed only when the garbage collector finds it unreachable, which can be long after a
 * stage is done with hundreds of megabytes; a resizable buffer shrunk to 0 bytes frees its pages
 * immediately (Node 20 lacks ArrayBuffer.prototype.transfer, the other way to do it). Element
 * access to them is slower in JS loops on Node 20 (about 3x), so hand loops a plain array.
 */
export function releasableSamples(length: number): Float32Array {
  const bytes = length * Float32Array.BYTES_PER_ELEMENT;
  return new Float32Array(new ResizableArrayBuffer(bytes, { maxByteLength: bytes }));
}

/** Whether releaseSamples frees these samples' memory (they come from releasableSamples). */
export function isReleasable(samples: Float32Array): boolean {
  return (samples.buffer as ResizableArrayBuffer).resizable === true;
}

/**
 * Frees the memory of samples from releasableSamples at once; their length becomes 0 (any view of
 * them too). Samples of another kind are left alone, for the garbage collector.
 */
export function releaseSamples(samples: Float32Array): void {
  if (isReleasable(samples)) (samples.buffer as ResizableArrayBuffer).resize(0);
}
