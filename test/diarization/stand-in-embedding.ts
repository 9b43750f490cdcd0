import { onnx } from 'onnx-proto';

/**
 * A stand-in for a WeSpeaker ONNX model, built in memory: features [N, T, mel] in, [N, dim] out,
 * computed as (mean over T of features^2) x W. Opset 13 (ReduceMean takes axes as an attribute).
 * Returns the encoded model and W (row-major [mel, dim]) so tests can compute expected outputs.
 */
export function buildStandInEmbeddingModel(
  mel = 80,
  dim = 16,
  seed = 1,
): { bytes: Uint8Array; weights: Float32Array } {
  const weights = new Float32Array(mel * dim);
  let state = seed;
  for (let i = 0; i < weights.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    weights[i] = state / 2147483648 - 0.5;
  }
  const F = onnx.TensorProto.DataType.FLOAT;
  const tensorType = (dims: (number | string)[]): onnx.ITypeProto => ({
    tensorType: {
      elemType: F,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'diarization-tests',
    opsetImport: [{ domain: '', version: 13 }],
    metadataProps: [
      { key: 'framework', value: 'wespeaker' },
      { key: 'sample_rate', value: '16000' },
      { key: 'normalize_samples', value: '0' },
      { key: 'output_dim', value: String(dim) },
    ],
    graph: {
      name: 'stand-in-embedding',
      input: [{ name: 'feats', type: tensorType(['N', 'T', mel]) }],
      output: [{ name: 'embs', type: tensorType(['N', dim]) }],
      initializer: [{ name: 'W', dims: [mel, dim], dataType: F, floatData: Array.from(weights) }],
      node: [
        { opType: 'Mul', input: ['feats', 'feats'], output: ['squared'], name: 'square' },
        {
          opType: 'ReduceMean',
          input: ['squared'],
          output: ['pooled'],
          name: 'pool',
          attribute: [
            { name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] },
            { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 },
          ],
        },
        { opType: 'MatMul', input: ['pooled', 'W'], output: ['embs'], name: 'project' },
      ],
    },
  });
  return { bytes: onnx.ModelProto.encode(model).finish(), weights };
}
