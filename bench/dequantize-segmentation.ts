import { onnx } from 'onnx-proto';
import { floatTensor, OnnxGraphIndex, tensorDims, tensorValues } from '../libs/models/onnx-graph';

/** The float op each dynamically quantized op of the int8 export stands for. */
const FLOAT_OP: Record<string, string> = { MatMulInteger: 'MatMul', ConvInteger: 'Conv' };

/**
 * For the bench only: the int8 export with every layer dequantized (weights stored as float, float ops
 * instead of MatMulInteger, ConvInteger and DynamicQuantizeLSTM). Applied to the float-SincNet graph, it
 * gives the most faithful graph that can be made from the int8 file, to weigh against its cost.
 */
export function dequantizeAllLayers(source: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(source);
  const graph = model.graph;
  if (!graph?.node) throw new Error('no graph');
  const index = new OnnxGraphIndex(graph);
  const dropped = new Set<onnx.INodeProto>();
  const replaced = new Map<onnx.INodeProto, onnx.INodeProto>();
  const added: onnx.ITensorProto[] = [];

  for (const node of graph.node) {
    const floatOp = FLOAT_OP[node.opType ?? ''];
    if (floatOp) {
      const [aQuantized, weight] = node.input ?? [];
      const quantize = index.producer(aQuantized);
      const cast = index.readers(node.output?.[0] ?? '')[0];
      const rescale = index.readers(cast?.output?.[0] ?? '')[0];
      const scales = index.producer(rescale?.input?.[1] ?? '');
      if (quantize?.opType !== 'DynamicQuantizeLinear' || cast?.opType !== 'Cast' || !rescale || !scales)
        throw new Error(`${node.name}: unexpected quantization chain`);
      added.push(dequantized(index, weight, weight.replace(/_quantized$/, '_dequantized')));
      for (const part of [quantize, scales, node, cast]) dropped.add(part);
      replaced.set(rescale, {
        name: (node.name ?? '').replace(/_quant$/, ''),
        opType: floatOp,
        input: [quantize.input?.[0] ?? '', weight.replace(/_quantized$/, '_dequantized')],
        output: rescale.output,
        attribute: node.attribute,
      });
    } else if (node.opType === 'DynamicQuantizeLSTM') {
      // Inputs: X, W, R, B, sequence_lens, initial_h, initial_c, P, W_scale, W_zero_point, R_scale, R_zero_point;
      // W and R are stored transposed ([dirs, in, 4*hidden]) and quantized per direction.
      const inputs = node.input ?? [];
      const [w, r] = [inputs[1], inputs[2]].map((name) => {
        const floatName = name.replace(/_quantized$/, '_dequantized');
        added.push(transposedPerDirection(dequantized(index, name, floatName)));
        return floatName;
      });
      replaced.set(node, {
        name: (node.name ?? '').replace(/_quant$/, ''),
        opType: 'LSTM',
        input: [inputs[0], w, r, ...inputs.slice(3, 8)],
        output: node.output,
        attribute: node.attribute,
      });
    }
  }
  graph.node = graph.node.flatMap((node) => replaced.get(node) ?? (dropped.has(node) ? [] : [node]));
  // The quantized weights are read no more; dropping them keeps onnxruntime from warning about each.
  const rewritten = new OnnxGraphIndex(graph);
  graph.initializer = [...(graph.initializer ?? []), ...added].filter(
    (tensor) => rewritten.readers(tensor.name ?? '').length > 0,
  );
  return onnx.ModelProto.encode(model).finish();
}

/** (q - zero_point) * scale, with one scale per index of the first axis where there are several. */
function dequantized(index: OnnxGraphIndex, name: string, floatName: string): onnx.ITensorProto {
  const base = name.replace(/_quantized$/, '');
  const tensor = index.initializer(name);
  const scale = index.initializer(`${base}_scale`);
  const zeroPoint = index.initializer(`${base}_zero_point`);
  if (!tensor || !scale || !zeroPoint) throw new Error(`${name}: no quantized initializer with scale`);
  const values = tensorValues(tensor);
  const scales = tensorValues(scale);
  const zeroPoints = tensorValues(zeroPoint);
  const dims = tensorDims(tensor);
  const perGroup = values.length / scales.length;
  const out = values.map((value, i) => {
    const group = Math.floor(i / perGroup);
    return (value - zeroPoints[group]) * scales[group];
  });
  return floatTensor(floatName, dims, out);
}

/** [dirs, a, b] -> [dirs, b, a]. */
function transposedPerDirection(tensor: onnx.ITensorProto): onnx.ITensorProto {
  const [dirs, a, b] = tensorDims(tensor);
  const values = tensorValues(tensor);
  const out = new Float64Array(values.length);
  for (let d = 0; d < dirs; d++)
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++) out[(d * b + j) * a + i] = values[(d * a + i) * b + j];
  return floatTensor(tensor.name ?? '', [dirs, b, a], out);
}
