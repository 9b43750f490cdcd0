import { onnx } from 'onnx-proto';

/** The input added by {@link shareTrunkAcrossSpeakers}: for each speaker row, the features row it pools. */
export const SPEAKER_CHUNK_INPUT = 'speaker_chunk';

/** A two-input graph's inputs: features [N, T, mel] and per-frame speaker weights [M, W]. */
export interface MaskedPoolingInputs {
  features: string;
  weights: string;
}

export interface PreparedEmbeddingGraph {
  bytes: Uint8Array;
  /** Null for a single-input graph (features in, pooling over every frame given), left as it is. */
  pooling: MaskedPoolingInputs | null;
}

/**
 * Sorts a speaker-embedding graph into the two kinds this project runs: a single features input
 * (sherpa-onnx's WeSpeaker export, returned untouched) or features + weights (pyannote's own
 * WeSpeaker export, rewritten by {@link shareTrunkAcrossSpeakers}).
 */
export function prepareEmbeddingGraph(bytes: Uint8Array): PreparedEmbeddingGraph {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('the file holds no graph');
  const initializers = new Set((graph.initializer ?? []).map((tensor) => tensor.name ?? ''));
  const inputs = (graph.input ?? []).filter((value) => !initializers.has(value.name ?? ''));
  if (inputs.length === 1) return { bytes, pooling: null };
  const rank = (value: onnx.IValueInfoProto): number => value.type?.tensorType?.shape?.dim?.length ?? -1;
  const features = inputs.find((value) => rank(value) === 3);
  const weights = inputs.find((value) => rank(value) === 2);
  if (inputs.length !== 2 || !features?.name || !weights?.name) {
    throw new Error(
      `expected features [batch, frames, mel] and optionally weights [batch, frames], found inputs ` +
        `[${inputs.map((value) => `${value.name} (rank ${rank(value)})`).join(', ')}]`,
    );
  }
  shareTrunkAcrossSpeakers(model, features.name, weights.name);
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    pooling: { features: features.name, weights: weights.name },
  };
}

/** Added to the pooling's denominators, as pyannote's StatsPool does (the export leaves it out). */
const POOLING_EPSILON = 1e-8;
const SHAPE_OPS = new Set(['Shape', 'Size']);

/**
 * Rewrites a two-input speaker-embedding graph (features [N, T, mel] + per-frame speaker weights
 * [M, W], weighted statistics pooling inside) so that its trunk runs once per features row and only
 * the pooling runs per speaker: a new int64 input `speaker_chunk` [M] says which features row each
 * weights row belongs to, and every features-derived tensor that the weights' branch reads is
 * gathered by it. The trunk is ~all of the cost and depends on the features only, so a 10 s chunk
 * with three local speakers costs one trunk run instead of three, with the same result.
 *
 * Also adds pyannote's 1e-8 to the pooling's divisions, so that a speaker with zero or one weighted
 * frame gets the finite embedding pyannote computes (the export divides by zero there).
 */
export function shareTrunkAcrossSpeakers(
  model: onnx.ModelProto,
  featuresInput: string,
  weightsInput: string,
): void {
  const graph = model.graph as onnx.GraphProto;
  const nodes = graph.node ?? [];
  const constants = new Set<string>((graph.initializer ?? []).map((tensor) => tensor.name ?? ''));
  const shapeDerived = new Set<string>();
  const weightDerived = new Set<string>([weightsInput]);
  for (const node of nodes) {
    const inputs = (node.input ?? []).filter((name) => name !== '');
    const outputs = node.output ?? [];
    if (node.opType === 'Constant') outputs.forEach((name) => constants.add(name));
    const variable = inputs.filter((name) => !constants.has(name));
    if (
      SHAPE_OPS.has(node.opType ?? '') ||
      (variable.length > 0 && variable.every((n) => shapeDerived.has(n)))
    )
      outputs.forEach((name) => shapeDerived.add(name));
    if (inputs.some((name) => weightDerived.has(name))) {
      if ((node.attribute ?? []).some((attribute) => attribute.g || (attribute.graphs?.length ?? 0) > 0)) {
        throw new Error(`node ${node.name ?? node.opType} of the pooling branch has a subgraph`);
      }
      outputs.forEach((name) => weightDerived.add(name));
    }
  }

  const epsilonName = uniqueName(graph, 'pooling_epsilon');
  const gathered = new Map<string, string>();
  const rewritten: onnx.INodeProto[] = [];
  for (const node of nodes) {
    const inputs = node.input ?? [];
    if (!inputs.some((name) => weightDerived.has(name))) {
      rewritten.push(node);
      continue;
    }
    node.input = inputs.map((name) => {
      if (name === '' || weightDerived.has(name) || constants.has(name) || shapeDerived.has(name))
        return name;
      let perSpeaker = gathered.get(name);
      if (!perSpeaker) {
        perSpeaker = uniqueName(graph, `${name}_per_speaker`);
        gathered.set(name, perSpeaker);
        rewritten.push(
          onnx.NodeProto.create({
            name: `${perSpeaker}_gather`,
            opType: 'Gather',
            input: [name, SPEAKER_CHUNK_INPUT],
            output: [perSpeaker],
            attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
          }),
        );
      }
      return perSpeaker;
    });
    const output = node.output?.[0] ?? '';
    if (node.opType === 'Div' && node.input.length === 2 && !shapeDerived.has(output)) {
      const denominator = node.input[1];
      const guarded = uniqueName(graph, `${denominator}_plus_epsilon_${rewritten.length}`);
      rewritten.push(
        onnx.NodeProto.create({
          name: `${guarded}_add`,
          opType: 'Add',
          input: [denominator, epsilonName],
          output: [guarded],
        }),
      );
      node.input = [node.input[0], guarded];
    }
    rewritten.push(node);
  }
  if (gathered.size === 0) {
    throw new Error(`input ${weightsInput} never meets anything computed from ${featuresInput}`);
  }
  graph.node = rewritten;
  graph.initializer = [
    ...(graph.initializer ?? []),
    onnx.TensorProto.create({
      name: epsilonName,
      dataType: onnx.TensorProto.DataType.FLOAT,
      dims: [],
      floatData: [POOLING_EPSILON],
    }),
  ];
  graph.input = [
    ...(graph.input ?? []),
    onnx.ValueInfoProto.create({
      name: SPEAKER_CHUNK_INPUT,
      type: {
        tensorType: { elemType: onnx.TensorProto.DataType.INT64, shape: { dim: [{ dimParam: 'speakers' }] } },
      },
    }),
  ];
}

function uniqueName(graph: onnx.IGraphProto, base: string): string {
  const taken = new Set<string>([
    ...(graph.input ?? []).map((value) => value.name ?? ''),
    ...(graph.initializer ?? []).map((tensor) => tensor.name ?? ''),
    ...(graph.node ?? []).flatMap((node) => node.output ?? []),
  ]);
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}
