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
 * immediately (Node 20 lacks ArrayBuffer.prototype.transfer, the other way to do it).
 */
export function releasableSamples(length: number): Float32Array {
  const bytes = length * Float32Array.BYTES_PER_ELEMENT;
  return new Float32Array(new ResizableArrayBuffer(bytes, { maxByteLength: bytes }));
}

/**
 * Frees the memory of samples from releasableSamples at once; their length becomes 0 (any view of
 * them too). Samples of another kind are left alone, for the garbage collector.
 */
export function releaseSamples(samples: Float32Array): void {
  const buffer = samples.buffer as ResizableArrayBuffer;
  if (buffer.resizable === true) buffer.resize(0);
}
