import * as tf from "@tensorflow/tfjs";
import { heNormal } from "./initializers";
import { seedSequence } from "./lenet";
import { GroupNormalization, InstanceNormalization } from "./normalization";

/** Normalisation after each convolution. */
export type NormKind = "none" | "batch" | "layer" | "instance" | "group";
/** How the spatial size is halved between stages. */
export type DownsampleKind = "max" | "avg" | "stride";
/** Activations the builder accepts. */
export type ActivationKind = "relu" | "sigmoid" | "tanh" | "elu" | "selu" | "linear";

/** Options of {@link cnn}. Every field has a default, so `cnn()` alone builds a small working net. */
export interface CnnOptions {
  /** Number of convolution layers (default 4). */
  depth?: number;
  /** Filters of the first convolution (default 32); doubled after each downsampling when `widen` is true. */
  width?: number;
  /** Double the width after each downsampling (default true), the usual VGG / ResNet rule. */
  widen?: boolean;
  /** Square kernel side (default 3). */
  kernelSize?: number;
  /** Activation after each convolution (default "relu"). */
  activation?: ActivationKind;
  /** Normalisation between convolution and activation (default "none"). */
  norm?: NormKind;
  /** Channel groups for norm "group" (default 4; must divide every width). */
  groups?: number;
  /** How to halve the resolution between stages (default "max"). */
  downsample?: DownsampleKind;
  /** Convolutions per stage: the resolution halves after every this many (default 2). */
  blocksPerStage?: number;
  /**
   * Depthwise-separable convolutions (a k×k filter per channel, then a 1×1 convolution across channels), as in
   * MobileNet and Xception: every convolution but the first (which sees the raw image) becomes one. Cheaper by a
   * factor of about 1/filters + 1/k² in parameters and MACs; compare `summary()` and accuracy with and without.
   */
  separable?: boolean;
  /**
   * Dilation rate of each convolution (default 1): one number for all, or one per convolution. A 3×3 kernel with
   * rate d spans 2d + 1 pixels, so the receptive field grows without extra weights or pooling. Needs
   * downsample "max" or "avg" where a dilated convolution follows a downsampling (tfjs cannot stride and dilate at
   * once).
   */
  dilation?: number | number[];
  /** Add identity shortcuts around each convolution (1×1 projections where shapes change), as in ResNet. */
  residual?: boolean;
  /** Dropout rate before the classifier (default 0). */
  dropout?: number;
  /** "flatten" (default) keeps positions for the dense classifier; "global" averages each map first. */
  head?: "flatten" | "global";
  /** Input [height, width, channels] (default [28, 28, 1]). */
  inputShape?: [number, number, number];
  /** Number of classes (default 10). */
  classes?: number;
  /** Seed for the weight initialisers. */
  seed?: number;
  /** Model name (default describes the configuration, e.g. "cnn_d4_w32_relu_batch_max"). */
  name?: string;
}

/**
 * A plain convolutional network for depth, width, normalisation and shortcut experiments:
 * `depth` × [conv k×k → norm → activation], halving the resolution after every `blocksPerStage` convolutions
 * (max or average pooling, or stride 2 in the next convolution), then a dense softmax classifier.
 *
 * With `residual: true` each convolution becomes activation(norm(conv(x)) + shortcut(x)) so gradients reach the
 * first layers of deep nets; compare `gradientNorms()` with and without it. Each branch's normalization starts with
 * γ = 1/√depth, so that the sum of the branches starts small however deep the net. ReLU convolutions start from He
 * initialization with its variance corrected (tfjs's own `heNormal` draws 0.77 of it).
 *
 * @example
 * ```ts
 * const model = cnn({ depth: 6, width: 16, norm: "batch", residual: true });
 * summary(model);
 * ```
 */
export function cnn(options: CnnOptions = {}): tf.LayersModel {
  const depth = options.depth ?? 4;
  const width = options.width ?? 32;
  const kernelSize = options.kernelSize ?? 3;
  const activation = options.activation ?? "relu";
  const norm = options.norm ?? "none";
  const downsample = options.downsample ?? "max";
  const blocksPerStage = options.blocksPerStage ?? 2;
  const inputShape = options.inputShape ?? [28, 28, 1];
  const classes = options.classes ?? 10;
  const residual = options.residual ?? false;
  const groups = options.groups ?? 4;
  const separable = options.separable ?? false;
  const dilations = dilationRates(options.dilation, depth);
  const seeds = seedSequence(options.seed);
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`cnn: depth must be an integer ≥ 1, got ${depth}`);
  if (!Number.isInteger(width) || width < 1) throw new Error(`cnn: width must be an integer ≥ 1, got ${width}`);
  if (!["none", "batch", "layer", "instance", "group"].includes(norm)) {
    throw new Error(`cnn: unknown norm "${norm}"; use "none", "batch", "layer", "instance" or "group"`);
  }
  if (!["max", "avg", "stride"].includes(downsample)) {
    throw new Error(`cnn: unknown downsample "${downsample}"; use "max", "avg" or "stride"`);
  }
  const initializer = () =>
    activation === "relu" || activation === "elu"
      ? heNormal(seeds())
      : tf.initializers.glorotUniform({ seed: seeds() });

  // A residual net adds `depth` normalized branches to its input. Each branch's γ starts at 1/√depth, so that their
  // sum starts with about the variance of one branch however deep the net (the idea of Fixup and SkipInit); with
  // γ = 1 a 24-convolution net starts with activations several times larger and trains far worse.
  const branchScale = residual ? 1 / Math.sqrt(depth) : 1;
  const input = tf.input({ shape: inputShape, name: "image" });
  let x: tf.SymbolicTensor = input;
  let channels = inputShape[2];
  let side = Math.min(inputShape[0], inputShape[1]);
  let filters = width;
  let strideNext = false;
  for (let i = 1; i <= depth; i++) {
    const stride = strideNext ? 2 : 1;
    strideNext = false;
    if (stride > 1 && dilations[i - 1] > 1) {
      throw new Error(
        `cnn: convolution ${i} would both stride (downsample "stride") and dilate (rate ${dilations[i - 1]}), ` +
          'which tfjs cannot do; use downsample "max" or "avg", or dilation 1 for that convolution',
      );
    }
    const convolution = {
      name: `conv${i}`,
      filters,
      kernelSize,
      strides: stride,
      padding: "same" as const,
      useBias: norm === "none",
      dilationRate: dilations[i - 1],
    };
    const conv = (
      separable && i > 1
        ? tf.layers.separableConv2d({
            ...convolution,
            depthwiseInitializer: initializer(),
            pointwiseInitializer: initializer(),
          })
        : tf.layers.conv2d({ ...convolution, kernelInitializer: initializer() })
    ).apply(x) as tf.SymbolicTensor;
    let y =
      (normLayer(norm, `norm${i}`, groups, filters, branchScale)?.apply(conv) as tf.SymbolicTensor | undefined) ?? conv;
    if (residual) {
      const shortcut =
        channels === filters && stride === 1
          ? x
          : (tf.layers
              .conv2d({
                name: `shortcut${i}`,
                filters,
                kernelSize: 1,
                strides: stride,
                padding: "same",
                kernelInitializer: tf.initializers.glorotUniform({ seed: seeds() }),
              })
              .apply(x) as tf.SymbolicTensor);
      y = tf.layers.add({ name: `add${i}` }).apply([y, shortcut]) as tf.SymbolicTensor;
    }
    x = tf.layers.activation({ name: `${activation}${i}`, activation }).apply(y) as tf.SymbolicTensor;
    channels = filters;
    if (i % blocksPerStage === 0 && i < depth + (options.head === "global" ? 0 : 1) && side >= 4) {
      side = Math.floor(side / 2);
      if (downsample === "stride") strideNext = i < depth;
      else {
        const pool = downsample === "max" ? tf.layers.maxPooling2d : tf.layers.averagePooling2d;
        x = pool({ name: `pool${i / blocksPerStage}`, poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor;
      }
      if ((options.widen ?? true) && i < depth) filters *= 2;
    }
  }
  x = (
    options.head === "global"
      ? tf.layers.globalAveragePooling2d({ name: "global_average" })
      : tf.layers.flatten({ name: "flatten" })
  ).apply(x) as tf.SymbolicTensor;
  if (options.dropout) x = tf.layers.dropout({ name: "dropout", rate: options.dropout }).apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      name: "output",
      units: classes,
      activation: "softmax",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seeds() }),
    })
    .apply(x) as tf.SymbolicTensor;
  const dilated = dilations.some((rate) => rate !== 1) ? `_dilation${dilations.join("-")}` : "";
  const name =
    options.name ??
    `cnn_d${depth}_w${width}_${activation}_${norm}_${downsample}${separable ? "_separable" : ""}${dilated}${residual ? "_residual" : ""}`;
  return tf.model({ inputs: input, outputs: output, name });
}

function dilationRates(dilation: number | number[] | undefined, depth: number): number[] {
  const rates = Array.isArray(dilation) ? dilation : Array.from({ length: depth }, () => dilation ?? 1);
  if (rates.length !== depth) {
    throw new Error(
      `cnn: dilation lists ${rates.length} rates for ${depth} convolutions; give one per convolution or a single number`,
    );
  }
  if (rates.some((rate) => !Number.isInteger(rate) || rate < 1))
    throw new Error(`cnn: dilation rates must be integers ≥ 1, got ${rates.join(", ")}`);
  return rates;
}

/** The normalization layer after a convolution; its scale γ starts at `initialScale`. */
function normLayer(
  norm: NormKind,
  name: string,
  groups: number,
  channels: number,
  initialScale: number,
): tf.layers.Layer | undefined {
  const gammaInitializer = tf.initializers.constant({ value: initialScale });
  switch (norm) {
    case "batch":
      return tf.layers.batchNormalization({ name, gammaInitializer });
    case "layer":
      return tf.layers.layerNormalization({ name, gammaInitializer });
    case "instance":
      return new InstanceNormalization({ name, initialScale });
    case "group": {
      if (channels % groups !== 0) {
        throw new Error(`cnn: norm "group" with groups ${groups} needs widths divisible by ${groups}, got ${channels}`);
      }
      return new GroupNormalization({ name, groups, initialScale });
    }
    default:
      return undefined;
  }
}
