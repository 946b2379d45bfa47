import * as tf from "@tensorflow/tfjs";

/** A value per spatial axis: [height, width]. */
export type PerAxis = [number, number];

/** What a layer does to positions and how much it computes, for {@link layerGeometry}. */
export interface LayerGeometry {
  /** The layer as Keras names it ("conv2d", "dense"...), and its class. */
  name: string;
  className: string;
  /** Output shape without the batch dimension. */
  outputShape: number[];
  /** Parameters as tfjs counts them (including non-trainable ones such as batch-norm moving averages). */
  parameters: number;
  /** Trainable parameters. */
  trainableParameters: number;
  /** Multiply-accumulates per image of the weighted layers (convolutions, dense); pooling and activations count 0. */
  macs: number;
  /** Receptive field of one output unit, in input pixels [height, width]. */
  receptiveField: PerAxis;
  /** Distance in input pixels between neighbouring output units ("jump", the product of the strides so far). */
  jump: PerAxis;
  /** Output elements per image. */
  outputSize: number;
}

type Config = Record<string, unknown>;

/**
 * Walks a model's layers in order and computes, for each, output shape, parameters, MACs, receptive field and jump.
 *
 * Receptive field r and jump j follow the recurrence for a layer with kernel k, stride s and dilation d:
 * r_out = r_in + (d·(k − 1)) · j_in, j_out = j_in · s (Araujo et al., "Computing receptive fields of convolutional
 * neural networks", Distill 2019). Flatten and global pooling see the whole remaining map: k = its side.
 * Where several layers meet (Add, Concatenate) the largest field is kept.
 */
export function layerGeometry(model: tf.LayersModel): LayerGeometry[] {
  const fields = new Map<tf.layers.Layer, { receptiveField: PerAxis; jump: PerAxis }>();
  const rows: LayerGeometry[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const inbound = inboundLayers(layer);
    const incoming = inbound
      .map((l) => fields.get(l))
      .filter((f): f is { receptiveField: PerAxis; jump: PerAxis } => !!f);
    const start =
      incoming.length === 0
        ? { receptiveField: [1, 1] as PerAxis, jump: [1, 1] as PerAxis }
        : {
            receptiveField: [
              Math.max(...incoming.map((f) => f.receptiveField[0])),
              Math.max(...incoming.map((f) => f.receptiveField[1])),
            ] as PerAxis,
            jump: [Math.max(...incoming.map((f) => f.jump[0])), Math.max(...incoming.map((f) => f.jump[1]))] as PerAxis,
          };
    const inputShape =
      className === "InputLayer" ? firstShape(layer.outputShape as tf.Shape | tf.Shape[]) : inputShapeOf(layer);
    const outputShape = firstShape(layer.outputShape as tf.Shape | tf.Shape[]);
    const window = windowOf(layer, className, inputShape);
    const field = {
      receptiveField: [0, 1].map(
        (a) => start.receptiveField[a] + window.dilation[a] * (window.kernel[a] - 1) * start.jump[a],
      ) as PerAxis,
      jump: (window.global ? start.jump : [0, 1].map((a) => start.jump[a] * window.stride[a])) as PerAxis,
    };
    fields.set(layer, field);
    if (className === "InputLayer") continue;
    const parameters = layer.countParams();
    const trainableWeights = layer.trainable
      ? layer.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0)
      : 0;
    const shape = outputShape.slice(1).map((d) => d ?? 0);
    rows.push({
      name: layer.name,
      className,
      outputShape: shape,
      parameters,
      trainableParameters: Math.min(parameters, trainableWeights),
      macs: macsOf(layer, className, inputShape, outputShape),
      receptiveField: field.receptiveField,
      jump: field.jump,
      outputSize: shape.reduce((a, b) => a * b, 1),
    });
  }
  return rows;
}

function inboundLayers(layer: tf.layers.Layer): tf.layers.Layer[] {
  const nodes = (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes ?? [];
  return nodes.length > 0 ? nodes[0].inboundLayers : [];
}

function inputShapeOf(layer: tf.layers.Layer): tf.Shape {
  const input = layer.input as tf.SymbolicTensor | tf.SymbolicTensor[];
  return (Array.isArray(input) ? input[0] : input).shape;
}

function firstShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
}

function pair(value: unknown, fallback: number): PerAxis {
  if (Array.isArray(value)) return [Number(value[0] ?? fallback), Number(value[1] ?? value[0] ?? fallback)];
  if (typeof value === "number") return [value, value];
  return [fallback, fallback];
}

function windowOf(
  layer: tf.layers.Layer,
  className: string,
  inputShape: tf.Shape,
): {
  kernel: PerAxis;
  stride: PerAxis;
  dilation: PerAxis;
  global?: boolean;
} {
  const config = layer.getConfig() as Config;
  const identity = { kernel: [1, 1] as PerAxis, stride: [1, 1] as PerAxis, dilation: [1, 1] as PerAxis };
  switch (className) {
    case "Conv2D":
    case "DepthwiseConv2D":
    case "SeparableConv2D":
      return {
        kernel: pair(config.kernelSize, 1),
        stride: pair(config.strides, 1),
        dilation: pair(config.dilationRate, 1),
      };
    case "ConnectionTableConv2D":
      return { ...identity, kernel: pair(config.kernelSize, 1) };
    case "MaxPooling2D":
    case "AveragePooling2D": {
      const kernel = pair(config.poolSize, 2);
      return { kernel, stride: pair(config.strides ?? kernel, kernel[0]), dilation: [1, 1] };
    }
    case "Subsampling": {
      const p = Number(config.poolSize ?? 2);
      return { kernel: [p, p], stride: [p, p], dilation: [1, 1] };
    }
    case "Flatten":
    case "GlobalAveragePooling2D":
    case "GlobalMaxPooling2D": {
      if (inputShape.length !== 4) return identity;
      const side: PerAxis = [inputShape[1] ?? 1, inputShape[2] ?? 1];
      // One output unit sees the whole map; there is no neighbour to jump to, so the jump is carried over.
      return { kernel: side, stride: side, dilation: [1, 1], global: true };
    }
    default:
      return identity;
  }
}

function macsOf(layer: tf.layers.Layer, className: string, inputShape: tf.Shape, outputShape: tf.Shape): number {
  const config = layer.getConfig() as Config;
  const positions = outputShape.length === 4 ? (outputShape[1] ?? 0) * (outputShape[2] ?? 0) : 1;
  const inChannels = inputShape[inputShape.length - 1] ?? 0;
  const outChannels = outputShape[outputShape.length - 1] ?? 0;
  switch (className) {
    case "Conv2D": {
      const [kh, kw] = pair(config.kernelSize, 1);
      return positions * outChannels * kh * kw * inChannels;
    }
    case "DepthwiseConv2D": {
      const [kh, kw] = pair(config.kernelSize, 1);
      return positions * outChannels * kh * kw;
    }
    case "SeparableConv2D": {
      const [kh, kw] = pair(config.kernelSize, 1);
      const multiplier = Number(config.depthMultiplier ?? 1);
      return positions * inChannels * multiplier * (kh * kw + outChannels);
    }
    case "ConnectionTableConv2D": {
      const table = config.table as number[][];
      const k = Number(config.kernelSize);
      return positions * table.reduce((sum, row) => sum + row.length, 0) * k * k;
    }
    case "Subsampling":
      // One multiplication by the trainable coefficient per output.
      return positions * outChannels;
    case "Dense": {
      const rows = inputShape.slice(1, -1).reduce((a: number, b) => a * (b ?? 1), 1);
      return rows * inChannels * outChannels;
    }
    default:
      return 0;
  }
}
