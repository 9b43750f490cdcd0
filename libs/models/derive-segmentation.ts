import { onnx } from 'onnx-proto';
import { ModelDerivationError } from './errors';
import { floatTensor, OnnxGraphIndex, tensorDims, tensorValues } from './onnx-graph';

/** Written into the derived graph's metadata, with the source's sha256, so a stale copy is recognised. */
export const FLOAT_SINCNET_DERIVATION = 'float-sincnet-v1';
const DERIVATION_KEY = 'derivation';
const SOURCE_KEY = 'derived_from_sha256';

/** The quantized SincNet time axis `n_` of the int8 export, and its float replacement. */
const QUANTIZED_TIME_AXIS = /filterbank\.n__quantized$/;

/**
 * Rewrites the int8 export of pyannote segmentation-3.0 (sherpa-onnx) so that its SincNet filterbank is
 * computed in float. The export builds the filterbank inside the graph as (cut-off frequencies) x (time
 * axis `n_` = 2*pi*k/sample_rate, k = -K..-1), and quantizes both operands of that product (a
 * DynamicQuantizeLinear of the frequencies, a uint8 copy of `n_` off by up to a quarter of its step): the
 * filters come out distorted and the model misses speech pyannote's float model finds. Each such
 * MatMulInteger chain (DynamicQuantizeLinear, scale Mul, MatMulInteger, Cast, rescale Mul) becomes one float
 * MatMul over the exact `n_`; every other layer stays int8, so the graph keeps the int8 speed.
 * Throws ModelDerivationError, naming what it did not find, for any other graph.
 */
export function deriveFloatSincnetGraph(
  source: Uint8Array,
  options: { sourceSha256: string; label: string },
): Uint8Array {
  const { label } = options;
  const model = decodeModel(source, label);
  const graph = model.graph;
  if (!graph?.node?.length) throw new ModelDerivationError(`${label}: the ONNX file holds no graph`);
  const index = new OnnxGraphIndex(graph);
  const axis = quantizedTimeAxis(graph, index, sampleRateOf(model), label);

  const chains = graph.node
    .filter((node) => node.opType === 'MatMulInteger' && node.input?.[1] === axis.quantized)
    .map((node) => filterbankChain(node, index, axis, label));
  if (chains.length === 0)
    throw new ModelDerivationError(
      `${label}: no MatMulInteger reads the SincNet time axis ${axis.quantized}`,
    );
  const dropped = new Set(chains.flatMap((chain) => chain.nodes));
  for (const name of [axis.quantized, axis.scale, axis.zeroPoint]) {
    if (index.readers(name).some((node) => !dropped.has(node)))
      throw new ModelDerivationError(`${label}: ${name} is read outside the SincNet filterbank products`);
  }
  const replacements = new Map(chains.map((chain) => [chain.last, chain.replacement]));
  graph.node = graph.node.flatMap((node) => {
    const replacement = replacements.get(node);
    if (replacement) return [replacement];
    return dropped.has(node) ? [] : [node];
  });
  const unused = new Set([axis.quantized, axis.scale, axis.zeroPoint]);
  graph.initializer = [
    ...(graph.initializer ?? []).filter((tensor) => !unused.has(tensor.name ?? '')),
    floatTensor(axis.floatName, axis.dims, axis.exact),
  ];
  model.metadataProps = [
    ...(model.metadataProps ?? []).filter((prop) => prop.key !== DERIVATION_KEY && prop.key !== SOURCE_KEY),
    { key: DERIVATION_KEY, value: FLOAT_SINCNET_DERIVATION },
    { key: SOURCE_KEY, value: options.sourceSha256 },
  ];
  return onnx.ModelProto.encode(model).finish();
}

/** The derivation recorded in a graph's metadata; null for a graph this code did not derive or cannot read. */
export function recordedDerivation(bytes: Uint8Array): { derivation: string; sourceSha256: string } | null {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    return null;
  }
  const value = (key: string) => model.metadataProps?.find((prop) => prop.key === key)?.value ?? '';
  const derivation = value(DERIVATION_KEY);
  const sourceSha256 = value(SOURCE_KEY);
  return derivation && sourceSha256 ? { derivation, sourceSha256 } : null;
}

/** The exact SincNet time axis: 2*pi*k/sampleRate for k = -length..-1 (pyannote's `n_`). */
export function sincnetTimeAxis(length: number, sampleRate: number): Float64Array {
  return Float64Array.from({ length }, (_, i) => (2 * Math.PI * (i - length)) / sampleRate);
}

interface TimeAxis {
  quantized: string;
  scale: string;
  zeroPoint: string;
  floatName: string;
  dims: number[];
  exact: Float64Array;
}

function decodeModel(source: Uint8Array, label: string): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(source);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelDerivationError(`${label}: not a readable ONNX model (${reason})`);
  }
}

function sampleRateOf(model: onnx.ModelProto): number {
  const value = Number(model.metadataProps?.find((prop) => prop.key === 'sample_rate')?.value);
  return Number.isInteger(value) && value > 0 ? value : 16000;
}

/**
 * Finds the quantized `n_` with its scale and zero point, and checks that it is the time axis it stands for
 * (each value within one quantization step of 2*pi*k/sampleRate), so that replacing it changes nothing but
 * the rounding.
 */
function quantizedTimeAxis(
  graph: onnx.IGraphProto,
  index: OnnxGraphIndex,
  sampleRate: number,
  label: string,
): TimeAxis {
  const found = (graph.initializer ?? []).filter((tensor) => QUANTIZED_TIME_AXIS.test(tensor.name ?? ''));
  if (found.length !== 1) {
    throw new ModelDerivationError(
      `${label}: expected one quantized SincNet time axis (an initializer named *filterbank.n__quantized, ` +
        `as in the sherpa-onnx int8 export of pyannote segmentation-3.0), found ${found.length}`,
    );
  }
  const quantized = found[0].name ?? '';
  const base = quantized.replace(/_quantized$/, '');
  const scaleTensor = index.initializer(`${base}_scale`);
  const zeroPointTensor = index.initializer(`${base}_zero_point`);
  const dims = tensorDims(found[0]);
  if (!scaleTensor || !zeroPointTensor || dims.length !== 2 || dims[0] !== 1 || dims[1] < 2) {
    throw new ModelDerivationError(
      `${label}: ${quantized} should be a [1, K] tensor with ${base}_scale and ${base}_zero_point beside it`,
    );
  }
  const scale = tensorValues(scaleTensor)[0];
  const zeroPoint = tensorValues(zeroPointTensor)[0];
  const exact = sincnetTimeAxis(dims[1], sampleRate);
  const stored = tensorValues(found[0]);
  const worst = Math.max(...exact.map((value, i) => Math.abs((stored[i] - zeroPoint) * scale - value)));
  if (!(scale > 0) || stored.length !== exact.length || !(worst <= scale)) {
    throw new ModelDerivationError(
      `${label}: ${quantized} is not SincNet's time axis 2*pi*k/${sampleRate}, k = -${dims[1]}..-1 ` +
        `(off by up to ${worst} with a quantization step of ${scale})`,
    );
  }
  return {
    quantized,
    scale: `${base}_scale`,
    zeroPoint: `${base}_zero_point`,
    floatName: base,
    dims,
    exact,
  };
}

interface FilterbankChain {
  nodes: onnx.INodeProto[];
  /** The chain's last node, whose place the float MatMul takes (its inputs are all known by then). */
  last: onnx.INodeProto;
  replacement: onnx.INodeProto;
}

/**
 * DynamicQuantizeLinear(a) -> MatMulInteger(a_q, n_q, a_zp, n_zp) -> Cast -> Mul(., a_scale * n_scale):
 * the float product a x n_ as onnxruntime's dynamic quantizer writes it. Every intermediate value must be
 * read only inside the chain, or removing the chain would break the graph.
 */
function filterbankChain(
  matMul: onnx.INodeProto,
  index: OnnxGraphIndex,
  axis: TimeAxis,
  label: string,
): FilterbankChain {
  const unexpected = (what: string): ModelDerivationError =>
    new ModelDerivationError(
      `${label}: the SincNet product ${matMul.name ?? ''} is not the expected dynamic-quantization chain (${what})`,
    );
  const [aQuantized, , aZeroPoint, bZeroPoint] = matMul.input ?? [];
  if (bZeroPoint !== axis.zeroPoint) throw unexpected(`zero point ${bZeroPoint}`);
  const quantize = index.producer(aQuantized);
  if (quantize?.opType !== 'DynamicQuantizeLinear') throw unexpected('no DynamicQuantizeLinear on its input');
  const [, aScale, quantizeZeroPoint] = quantize.output ?? [];
  if (quantizeZeroPoint !== aZeroPoint) throw unexpected('zero point from elsewhere');
  const scales = onlyReader(index, aScale, 'Mul');
  if (!scales?.input?.includes(axis.scale)) throw unexpected(`no Mul of ${aScale} by ${axis.scale}`);
  const cast = onlyReader(index, matMul.output?.[0], 'Cast');
  const rescale = cast && onlyReader(index, cast.output?.[0], 'Mul');
  if (!rescale || onlyReader(index, scales.output?.[0], 'Mul') !== rescale)
    throw unexpected('no Cast and rescaling Mul after it');
  if (onlyReader(index, aQuantized, 'MatMulInteger') !== matMul || index.readers(aZeroPoint).length !== 1)
    throw unexpected('its quantized input is read elsewhere');
  return {
    nodes: [quantize, scales, matMul, cast, rescale],
    last: rescale,
    replacement: {
      name: (matMul.name ?? 'sincnet_time_axis').replace(/_quant$/, ''),
      opType: 'MatMul',
      input: [quantize.input?.[0] ?? '', axis.floatName],
      output: [rescale.output?.[0] ?? ''],
    },
  };
}

/** The node reading `value`, when it is the only reader and of the given type. */
function onlyReader(
  index: OnnxGraphIndex,
  value: string | undefined,
  opType: string,
): onnx.INodeProto | undefined {
  if (!value || index.consumerCount(value) !== 1) return undefined;
  const [reader] = index.readers(value);
  return reader?.opType === opType ? reader : undefined;
}
