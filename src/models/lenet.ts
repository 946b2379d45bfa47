import * as tf from "@tensorflow/tfjs";
import { heNormal } from "./initializers";
import { ConnectionTableConv2D, LENET_C3_TABLE, Subsampling } from "./lenetLayers";

/** Options of {@link lenet5}. */
export interface LeNet5Options {
  /**
   * `"modern"` (default): ReLU and max pooling, the layout of d2l.ai — conv 6@5×5 same, pool, conv 16@5×5 valid,
   * pool, dense 120, 84, 10 on 28×28×1: 61,706 parameters.
   * `"classic"`: LeCun et al. 1998 — 28×28 zero-padded to 32×32, tanh, trainable subsampling S2/S4, C3 with the
   * paper's partial connection table, C5 as a 5×5 convolution, F6 with 84 units.
   */
  variant?: "classic" | "modern";
  /** Input [height, width, channels] (default [28, 28, 1]). */
  inputShape?: [number, number, number];
  /** Number of classes (default 10). */
  classes?: number;
  /** Classic only: use the paper's C3 connection table (default true); false connects every S2 map. */
  connectionTable?: boolean;
  /** Seed for the weight initialisers; the same seed gives the same initial weights. */
  seed?: number;
}

/**
 * LeNet-5, the network of LeCun, Bottou, Bengio and Haffner, "Gradient-based learning applied to document
 * recognition" (1998).
 *
 * Parameters, checked by `summary()`:
 * - classic: C1 156 + S2 12 + C3 1,516 + S4 32 + C5 48,120 + F6 10,164 = 60,000 trainable parameters, exactly the
 *   paper's count; plus 850 for a softmax output (the paper's output is an RBF layer of 84×10 = 840 fixed
 *   weights). Connections (multiply-adds including biases) C1..F6: 340,068, plus the RBF's 840 = the paper's
 *   340,908. Differences from the paper: tanh instead of 1.7159·tanh(2/3·x), softmax + cross-entropy instead of RBF
 *   + MAP loss, and inputs in 0..1 instead of −0.1..1.175.
 * - modern: 61,706 parameters. Not "about 1 million" as some lectures say: the summary shows the true number.
 */
export function lenet5(options: LeNet5Options = {}): tf.LayersModel {
  const variant = options.variant ?? "modern";
  const inputShape = options.inputShape ?? [28, 28, 1];
  const classes = options.classes ?? 10;
  const seeds = seedSequence(options.seed);
  if (variant === "modern") {
    return tf.sequential({
      name: "lenet5_modern",
      layers: [
        tf.layers.conv2d({
          name: "C1",
          inputShape,
          filters: 6,
          kernelSize: 5,
          padding: "same",
          activation: "relu",
          kernelInitializer: heNormal(seeds()),
        }),
        tf.layers.maxPooling2d({ name: "S2", poolSize: 2, strides: 2 }),
        tf.layers.conv2d({
          name: "C3",
          filters: 16,
          kernelSize: 5,
          padding: "valid",
          activation: "relu",
          kernelInitializer: heNormal(seeds()),
        }),
        tf.layers.maxPooling2d({ name: "S4", poolSize: 2, strides: 2 }),
        tf.layers.flatten({ name: "flatten" }),
        tf.layers.dense({ name: "F5", units: 120, activation: "relu", kernelInitializer: heNormal(seeds()) }),
        tf.layers.dense({ name: "F6", units: 84, activation: "relu", kernelInitializer: heNormal(seeds()) }),
        tf.layers.dense({
          name: "output",
          units: classes,
          activation: "softmax",
          kernelInitializer: tf.initializers.glorotUniform({ seed: seeds() }),
        }),
      ],
    });
  }
  if (variant !== "classic") {
    throw new Error(`lenet5: unknown variant "${variant as string}"; use "classic" or "modern"`);
  }
  const [height, width] = inputShape;
  // The paper feeds 32×32 images with the 20×20 digit centred: pad up to 32 so C5 sees a 5×5 map.
  const padHeight = Math.max(0, 32 - height);
  const padWidth = Math.max(0, 32 - width);
  const glorot = () => tf.initializers.glorotUniform({ seed: seeds() });
  const layers: tf.layers.Layer[] = [
    tf.layers.zeroPadding2d({
      name: "pad32",
      inputShape,
      padding: [
        [Math.floor(padHeight / 2), Math.ceil(padHeight / 2)],
        [Math.floor(padWidth / 2), Math.ceil(padWidth / 2)],
      ],
    }),
    tf.layers.conv2d({ name: "C1", filters: 6, kernelSize: 5, activation: "tanh", kernelInitializer: glorot() }),
    new Subsampling({ name: "S2", activation: "tanh" }),
    options.connectionTable === false
      ? tf.layers.conv2d({ name: "C3", filters: 16, kernelSize: 5, activation: "tanh", kernelInitializer: glorot() })
      : new ConnectionTableConv2D({
          name: "C3",
          table: LENET_C3_TABLE,
          kernelSize: 5,
          activation: "tanh",
          seed: seeds(),
        }),
    new Subsampling({ name: "S4", activation: "tanh" }),
    tf.layers.conv2d({ name: "C5", filters: 120, kernelSize: 5, activation: "tanh", kernelInitializer: glorot() }),
    tf.layers.flatten({ name: "flatten" }),
    tf.layers.dense({ name: "F6", units: 84, activation: "tanh", kernelInitializer: glorot() }),
    tf.layers.dense({ name: "output", units: classes, activation: "softmax", kernelInitializer: glorot() }),
  ];
  return tf.sequential({ name: "lenet5_classic", layers });
}

/** Successive seeds derived from one, or undefined (tfjs's own random initialisation) when none is given. */
export function seedSequence(seed: number | undefined): () => number | undefined {
  let next = seed;
  return () => (next === undefined ? undefined : next++);
}
