/** Smallest first array the collector allocates (64 KiB), so tiny outputs need no overflow. */
const MIN_CAPACITY = 16 * 1024;

/** Size of each overflow block once the first array is full (about a minute of 16 kHz audio). */
const OVERFLOW_BLOCK_BYTES = 4 * 1024 * 1024;

/** finish() copies to an exact-size array only when more than this share of the buffer is unused. */
const MAX_SLACK_RATIO = 1 / 32;

/**
 * Collects little-endian float32 bytes, arriving in chunks of any size, into one Float32Array.
 * Bytes go straight into the array that is returned when the initial capacity suffices, so the
 * audio is held once. Past it they fill fixed-size overflow blocks, joined by a single copy at
 * the end: at most twice the audio, however wrong the capacity was, where growing one array
 * would keep every outgrown array alive until the garbage collector got to it.
 * Chunks may end mid-sample: bytes are placed by byte offset and only whole samples returned.
 */
export class Float32Collector {
  private readonly first: Float32Array;
  /** The first array's bytes, then the overflow blocks, all full but the last. */
  private readonly blocks: Uint8Array[];
  private lastBlockUsed = 0;
  private byteCount = 0;

  constructor(
    initialCapacity = 0,
    private readonly overflowBlockBytes = OVERFLOW_BLOCK_BYTES,
    /** Makes the arrays that may be returned (releasableSamples, for one). */
    private readonly allocate: (length: number) => Float32Array = (length) => new Float32Array(length),
  ) {
    if (!Number.isInteger(overflowBlockBytes) || overflowBlockBytes < 1) {
      throw new RangeError(`Expected a positive integer block size but received ${overflowBlockBytes}`);
    }
    this.first = firstArray(Math.max(MIN_CAPACITY, Math.ceil(initialCapacity)), allocate);
    this.blocks = [new Uint8Array(this.first.buffer)];
  }

  /** Whether the bytes outgrew the initial capacity. */
  get overflowed(): boolean {
    return this.blocks.length > 1;
  }

  append(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.byteLength) {
      const block = this.blockWithRoom();
      const count = Math.min(chunk.byteLength - offset, block.byteLength - this.lastBlockUsed);
      block.set(chunk.subarray(offset, offset + count), this.lastBlockUsed);
      this.lastBlockUsed += count;
      this.byteCount += count;
      offset += count;
    }
  }

  /**
   * The whole samples received; trailing bytes of an incomplete sample are dropped. Its buffer is
   * never much larger than the samples: the first array is trimmed by a copy when clearly oversized.
   */
  finish(): Float32Array {
    const length = Math.floor(this.byteCount / 4);
    if (this.overflowed) return this.joined(length);
    const slack = this.first.length - length;
    if (slack <= length * MAX_SLACK_RATIO) return this.first.subarray(0, length);
    const trimmed = this.allocate(length);
    trimmed.set(this.first.subarray(0, length));
    return trimmed;
  }

  private blockWithRoom(): Uint8Array {
    const last = this.blocks[this.blocks.length - 1];
    if (this.lastBlockUsed < last.byteLength) return last;
    const block = new Uint8Array(this.overflowBlockBytes);
    this.blocks.push(block);
    this.lastBlockUsed = 0;
    return block;
  }

  private joined(length: number): Float32Array {
    const samples = this.allocate(length);
    const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
    let offset = 0;
    for (const block of this.blocks) {
      const count = Math.min(block.byteLength, bytes.byteLength - offset);
      bytes.set(block.subarray(0, count), offset);
      offset += count;
    }
    return samples;
  }
}

/** The capacity comes from a header that may lie: if it cannot be allocated, start small instead. */
function firstArray(capacity: number, allocate: (length: number) => Float32Array): Float32Array {
  try {
    return allocate(capacity);
  } catch (error) {
    if (error instanceof RangeError) return allocate(MIN_CAPACITY);
    throw error;
  }
}
