import { onnx } from 'onnx-proto';

const DataType = onnx.TensorProto.DataType;

/** Lookups over one ONNX graph's nodes and initializers, for rewriting it in place. */
export class OnnxGraphIndex {
  private readonly producers = new Map<string, onnx.INodeProto>();
  private readonly consumers = new Map<string, onnx.INodeProto[]>();
  private readonly initializers = new Map<string, onnx.ITensorProto>();

  constructor(readonly graph: onnx.IGraphProto) {
    for (const node of graph.node ?? []) {
      for (const output of node.output ?? []) this.producers.set(output, node);
      for (const input of nodeInputs(node)) {
        const list = this.consumers.get(input) ?? [];
        list.push(node);
        this.consumers.set(input, list);
      }
    }
    for (const tensor of graph.initializer ?? []) this.initializers.set(tensor.name ?? '', tensor);
  }

  producer(value: string): onnx.INodeProto | undefined {
    return this.producers.get(value);
  }

  /** Nodes reading `value`, sub-graphs (If/Loop bodies) included, and graph outputs count as readers. */
  consumerCount(value: string): number {
    const outputs = (this.graph.output ?? []).filter((output) => output.name === value).length;
    return (this.consumers.get(value)?.length ?? 0) + outputs;
  }

  readers(value: string): onnx.INodeProto[] {
    return this.consumers.get(value) ?? [];
  }

  initializer(name: string): onnx.ITensorProto | undefined {
    return this.initializers.get(name);
  }
}

/** A node's inputs, and those of any sub-graph it holds (If branches read outer values by name). */
function nodeInputs(node: onnx.INodeProto): string[] {
  const inputs = (node.input ?? []).filter((name) => name !== '');
  for (const attribute of node.attribute ?? []) {
    for (const graph of [attribute.g, ...(attribute.graphs ?? [])]) {
      for (const inner of graph?.node ?? []) inputs.push(...nodeInputs(inner));
    }
  }
  return inputs;
}

/** A tensor's shape as plain numbers (protobuf decodes int64 as Long). */
export function tensorDims(tensor: onnx.ITensorProto): number[] {
  return (tensor.dims ?? []).map((dim) => Number(dim));
}

/** The values of a FLOAT, UINT8, INT8 or INT32 initializer, from raw_data or the typed fields. */
export function tensorValues(tensor: onnx.ITensorProto): Float64Array {
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : null;
  switch (tensor.dataType) {
    case DataType.FLOAT:
      if (raw) return Float64Array.from(new Float32Array(copyBytes(raw)));
      return Float64Array.from(tensor.floatData ?? []);
    case DataType.UINT8:
      return Float64Array.from(raw ?? tensor.int32Data ?? []);
    case DataType.INT8:
      return Float64Array.from(raw ? new Int8Array(copyBytes(raw)) : (tensor.int32Data ?? []));
    case DataType.INT32:
      return Float64Array.from(raw ? new Int32Array(copyBytes(raw)) : (tensor.int32Data ?? []));
    default:
      throw new Error(`initializer ${tensor.name}: data type ${tensor.dataType} is not read here`);
  }
}

/** An aligned copy, since raw_data may sit at any offset of the decoded buffer. */
function copyBytes(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): onnx.ITensorProto {
  const data = Float32Array.from(values);
  return {
    name,
    dims,
    dataType: DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
