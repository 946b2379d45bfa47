import * as tf from "@tensorflow/tfjs";
import { windowArguments } from "../kernels/native/heap";

/** Layer kinds and activation codes of training_step.h and kernels.h. */
const Kind = {
  convolution: 1,
  maxPool: 2,
  averagePool: 3,
  batchNorm: 4,
  activation: 5,
  dropout: 6,
  flatten: 7,
  dense: 8,
} as const;
const activationCodes: Record<string, number> = { linear: 0, relu: 1, tanh: 2, sigmoid: 3, softmax: 4 };

/** Numbers per layer in the spec (addon.cc's kLayerNumbers). */
const LAYER_NUMBERS = 26;

/** A network the native training step can run: its spec, and the tfjs variables of its parameters in spec order. */
export interface TrainingStepPlan {
  spec: Float64Array;
  /** Per parameter slot (training_step.h's order): the variable, and whether the optimiser trains it. */
  parameters: Array<{ variable: tf.Variable; trained: boolean }>;
  /** The layers' names, in spec order. */
  layerNames: string[];
  /** Floats per image the step's workspace holds (training_step.cc's Worker): what a batch costs beside its tensors. */
  workspacePerImage: number;
}

/** Why a network runs layer by layer instead (one sentence naming the layer), or the plan. */
export type PlanResult = { ok: true; plan: TrainingStepPlan } | { ok: false; why: string };

interface LayerInternals {
  inboundNodes: Array<{ inboundLayers: tf.layers.Layer[] }>;
}

type Config = Record<string, unknown>;

class Unsupported extends Error {}

function unsupported(layer: tf.layers.Layer, what: string): never {
  throw new Unsupported(`layer ${layer.name} (${layer.getClassName()}): ${what}`);
}

function pair(value: unknown): [number, number] {
  return Array.isArray(value)
    ? [value[0] as number, (value[1] ?? value[0]) as number]
    : [value as number, value as number];
}

function imageShape(layer: tf.layers.Layer, shape: tf.Shape): [number, number, number] {
  if (shape.length !== 4)
    unsupported(layer, `expects images [batch, height, width, channels], got rank ${shape.length}`);
  return [shape[1]!, shape[2]!, shape[3]!];
}

function activationOf(layer: tf.layers.Layer, name: unknown): number {
  const code = activationCodes[String(name ?? "linear")];
  if (code === undefined) unsupported(layer, `activation "${String(name)}"`);
  return code;
}

/** The layer's weights by the ends of their names ("kernel", "bias", "gamma", ...), each checked present. */
function weightsNamed(layer: tf.layers.Layer, names: string[]): tf.LayerVariable[] {
  return names.map((name, i) => {
    const weight = layer.weights[i];
    if (weight === undefined || !weight.originalName.endsWith(name))
      unsupported(layer, `unexpected weights (${name} missing)`);
    return weight;
  });
}

/** The 26 numbers of one layer; geometry from tfjs's own convolution and pooling arithmetic. */
function describeLayer(
  layer: tf.layers.Layer,
  input: tf.Shape,
  output: tf.Shape,
): { numbers: number[]; weights: tf.LayerVariable[] } {
  const config = layer.getConfig() as Config;
  const perImage = (shape: tf.Shape) => shape.slice(1).reduce((product: number, size) => product * size!, 1);
  const numbers = new Array<number>(LAYER_NUMBERS).fill(0);
  numbers[6] = perImage(input);
  numbers[7] = perImage(output);
  const window = (info: tf.backend_util.Conv2DInfo) => numbers.splice(8, 18, ...windowArguments(info));
  const className = layer.getClassName();
  if (config.dataFormat !== undefined && config.dataFormat !== "channelsLast")
    unsupported(layer, `dataFormat ${String(config.dataFormat)}`);
  switch (className) {
    case "Conv2D": {
      const [h, w, c] = imageShape(layer, input);
      const [kh, kw] = pair(config.kernelSize);
      if (config.padding !== "same" && config.padding !== "valid")
        unsupported(layer, `padding ${String(config.padding)}`);
      const info = tf.backend_util.computeConv2DInfo(
        [1, h, w, c],
        [kh, kw, c, config.filters as number],
        pair(config.strides),
        pair(config.dilationRate),
        config.padding as "same" | "valid",
      );
      window(info);
      numbers[0] = Kind.convolution;
      numbers[1] = activationOf(layer, config.activation);
      numbers[2] = config.useBias ? 1 : 0;
      return { numbers, weights: weightsNamed(layer, config.useBias ? ["kernel", "bias"] : ["kernel"]) };
    }
    case "MaxPooling2D":
    case "AveragePooling2D": {
      const [h, w, c] = imageShape(layer, input);
      const size = pair(config.poolSize);
      const info = tf.backend_util.computePool2DInfo(
        [1, h, w, c],
        size,
        pair(config.strides ?? size),
        1,
        config.padding as "same" | "valid",
      );
      window(info);
      numbers[0] = className === "MaxPooling2D" ? Kind.maxPool : Kind.averagePool;
      return { numbers, weights: [] };
    }
    case "BatchNormalization": {
      const axis = config.axis as number;
      if (axis !== -1 && axis !== input.length - 1) unsupported(layer, "normalises an axis other than the last");
      if (!config.center || !config.scale) unsupported(layer, "center and scale must both be on");
      if (input.length !== 2 && input.length !== 4) unsupported(layer, `input of rank ${input.length}`);
      numbers[0] = Kind.batchNorm;
      numbers[4] = config.epsilon as number;
      numbers[5] = config.momentum as number;
      numbers[8 + 3] = input[input.length - 1]!;
      return { numbers, weights: weightsNamed(layer, ["gamma", "beta", "moving_mean", "moving_variance"]) };
    }
    case "Activation":
      numbers[0] = Kind.activation;
      numbers[1] = activationOf(layer, config.activation);
      return { numbers, weights: [] };
    case "ReLU":
      if (config.maxValue != null) unsupported(layer, "a maximum value");
      numbers[0] = Kind.activation;
      numbers[1] = activationCodes.relu;
      return { numbers, weights: [] };
    case "Dropout":
      if (config.noiseShape != null) unsupported(layer, "a noise shape");
      numbers[0] = Kind.dropout;
      numbers[3] = config.rate as number;
      return { numbers, weights: [] };
    case "Flatten":
      numbers[0] = Kind.flatten;
      return { numbers, weights: [] };
    case "Dense":
      if (input.length !== 2) unsupported(layer, `input of rank ${input.length} (flatten it first)`);
      numbers[0] = Kind.dense;
      numbers[1] = activationOf(layer, config.activation);
      numbers[2] = config.useBias ? 1 : 0;
      numbers[8 + 3] = input[1]!;
      numbers[8 + 6] = output[1]!;
      return { numbers, weights: weightsNamed(layer, config.useBias ? ["kernel", "bias"] : ["kernel"]) };
    default:
      return unsupported(layer, "no native training step for this kind of layer");
  }
}

/** The layers of a model that is one chain from its input to its output, or why it is not. */
function chainOf(model: tf.LayersModel): tf.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1)
    throw new Unsupported("the model has several inputs or outputs");
  const layers = model.layers.filter((layer) => layer.getClassName() !== "InputLayer");
  let previous: tf.layers.Layer | undefined = model.layers.find((layer) => layer.getClassName() === "InputLayer");
  for (const layer of layers) {
    const nodes = (layer as unknown as LayerInternals).inboundNodes;
    if (nodes.length !== 1) unsupported(layer, "is used more than once");
    const inbound = nodes[0].inboundLayers;
    if (inbound.length !== 1 || (previous !== undefined && inbound[0] !== previous)) {
      unsupported(layer, "takes more than the previous layer's output (a branch or a residual connection)");
    }
    previous = layer;
  }
  if (layers.length === 0 || model.outputs[0] !== layers[layers.length - 1].output)
    throw new Unsupported("the model's output is not its last layer's");
  return layers;
}

/**
 * Each layer's output (flatten's aliases its input), dropout's mask, and the gradient passed down with its spare,
 * both as large as the largest activation: the vectors training_step.cc's workers size by their rows.
 */
function workspacePerImage(layers: tf.layers.Layer[]): number {
  const perImage = (shape: tf.Shape) => shape.slice(1).reduce<number>((product, size) => product * (size ?? 1), 1);
  let total = 0;
  let largest = perImage((layers[0].input as tf.SymbolicTensor).shape);
  for (const layer of layers) {
    const size = perImage((layer.output as tf.SymbolicTensor).shape);
    if (layer.getClassName() !== "Flatten") total += size;
    if (layer.getClassName() === "Dropout") total += size;
    largest = Math.max(largest, size);
  }
  return total + 2 * largest;
}

/**
 * Describes a model for the native training step: a chain of Conv2D, pooling, BatchNormalization, Activation/ReLU,
 * Dropout, Flatten and Dense layers on float32 images, ending in a softmax, every weight trainable. Anything else
 * (a residual connection, a custom layer, frozen weights) trains layer by layer through tfjs as before.
 */
export function planTrainingStep(model: tf.LayersModel, trained: tf.Variable[]): PlanResult {
  try {
    const layers = chainOf(model);
    const classes = model.outputs[0].shape[model.outputs[0].shape.length - 1]!;
    const spec = [classes, layers.length];
    const parameters: TrainingStepPlan["parameters"] = [];
    for (const layer of layers) {
      if (!layer.trainable) unsupported(layer, "is frozen (trainable = false)");
      if (layer.dtype !== undefined && layer.dtype !== "float32") unsupported(layer, `computes in ${layer.dtype}`);
      const input = layer.input as tf.SymbolicTensor;
      const { numbers, weights } = describeLayer(layer, input.shape, (layer.output as tf.SymbolicTensor).shape);
      spec.push(...numbers);
      for (const weight of weights) {
        const variable = weight.read() as tf.Variable;
        parameters.push({ variable, trained: weight.trainable && trained.includes(variable) });
      }
    }
    const last = layers.length - 1;
    layers.forEach((layer, i) => {
      const numbers = spec.slice(2 + i * LAYER_NUMBERS, 2 + (i + 1) * LAYER_NUMBERS);
      const softmax = numbers[1] === activationCodes.softmax;
      if (softmax && i !== last) unsupported(layer, "softmax before the last layer");
      if (i === last && (!softmax || (numbers[0] !== Kind.dense && numbers[0] !== Kind.activation))) {
        unsupported(layer, "the network must end in a dense or activation layer with softmax");
      }
    });
    const covered = new Set(parameters.filter((parameter) => parameter.trained).map((parameter) => parameter.variable));
    const stray = trained.find((variable) => !covered.has(variable));
    if (stray !== undefined)
      throw new Unsupported(`variable ${stray.name} is trained but belongs to no layer of the chain`);
    return {
      ok: true,
      plan: {
        spec: Float64Array.from(spec),
        parameters,
        layerNames: layers.map((layer) => layer.name),
        workspacePerImage: workspacePerImage(layers),
      },
    };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, why: error.message };
    throw error;
  }
}
