import { ModelLoadError } from '../errors';

// ModelProto.metadata_props is field 14 (repeated StringStringEntryProto {key = 1, value = 2}).
const METADATA_PROPS_FIELD = 14;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/**
 * The model's metadata_props (key -> value) read straight from the ONNX protobuf bytes:
 * onnxruntime-node does not expose custom metadata, and pulling in a protobuf library for
 * one top-level field is not worth it. Only the top level of ModelProto is walked; the graph
 * is skipped by its length prefix.
 */
export function readOnnxMetadata(bytes: Uint8Array): Map<string, string> {
  const metadata = new Map<string, string>();
  const reader = new ProtoReader(bytes, 0, bytes.length);
  while (!reader.done()) {
    const { field, wireType } = reader.tag();
    if (field === METADATA_PROPS_FIELD && wireType === WIRE_LENGTH_DELIMITED) {
      const entry = reader.message();
      let key = '';
      let value = '';
      while (!entry.done()) {
        const inner = entry.tag();
        if (inner.wireType === WIRE_LENGTH_DELIMITED && (inner.field === 1 || inner.field === 2)) {
          const text = entry.string();
          if (inner.field === 1) key = text;
          else value = text;
        } else {
          entry.skip(inner.wireType);
        }
      }
      if (key) metadata.set(key, value);
    } else {
      reader.skip(wireType);
    }
  }
  return metadata;
}

/** A metadata value as a positive integer, or `fallback` when the file does not carry it. */
export function metadataInteger(
  metadata: ReadonlyMap<string, string>,
  key: string,
  fallback: number,
  modelName: string,
): number {
  const raw = metadata.get(key);
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new ModelLoadError(`${modelName}: metadata ${key}=${JSON.stringify(raw)} is not a whole number`);
  }
  return value;
}

class ProtoReader {
  private static readonly decoder = new TextDecoder();

  constructor(
    private readonly bytes: Uint8Array,
    private offset: number,
    private readonly end: number,
  ) {}

  done(): boolean {
    return this.offset >= this.end;
  }

  tag(): { field: number; wireType: number } {
    const key = this.varint();
    return { field: Math.floor(key / 8), wireType: key % 8 };
  }

  varint(): number {
    // Lengths and tags fit in 2^53; larger varints (int64 fields) are only skipped.
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.end) throw this.corrupt();
      const byte = this.bytes[this.offset++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 70) throw this.corrupt();
    }
  }

  message(): ProtoReader {
    const length = this.varint();
    if (this.offset + length > this.end) throw this.corrupt();
    const inner = new ProtoReader(this.bytes, this.offset, this.offset + length);
    this.offset += length;
    return inner;
  }

  string(): string {
    const length = this.varint();
    if (this.offset + length > this.end) throw this.corrupt();
    const text = ProtoReader.decoder.decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.advance(this.varint());
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw this.corrupt();
    }
  }

  private advance(count: number): void {
    if (this.offset + count > this.end) throw this.corrupt();
    this.offset += count;
  }

  private corrupt(): ModelLoadError {
    return new ModelLoadError('the file is not a valid ONNX model (malformed protobuf)');
  }
}
