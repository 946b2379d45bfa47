import * as tf from "@tensorflow/tfjs";
import { lenet5, summary } from "../src/models";

/**
 * The networks the bench trains. The same layers are built once more in each reference framework:
 * bench/torch_bench.py (PyTorch) and bench/keras_bench.py (Keras).
 */
export type BenchModel = "lenet5" | "vgg";

/** Every {@link BenchModel}, in the order the bench reports them. */
export const benchModels: readonly BenchModel[] = ["lenet5", "vgg"];

/**
 * Builds a bench network for 28×28×1 inputs and 10 classes, ending in a softmax (as `train()` requires).
 *
 * - `lenet5`: the library's `lenet5({ variant: "modern" })`, the model students train in lesson 6: conv 6@5×5 same
 *   + ReLU, max-pool 2, conv 16@5×5 valid + ReLU, max-pool 2, dense 120, 84, 10 (61,706 parameters).
 * - `vgg`: two stages of 2 × [conv 3×3 same without bias – batch norm – ReLU] and a max-pool 2, 16 channels in
 *   stage 1 and 32 in stage 2, then flatten, dropout 0.25, dense 64 + ReLU, dense 10 + softmax.
 */
export function buildModel(name: BenchModel): tf.LayersModel {
  if (name === "lenet5") return lenet5({ variant: "modern" });
  if (name !== "vgg") throw new Error(`bench: unknown model "${name as string}"; use one of ${benchModels.join(", ")}`);
  const layers: tf.layers.Layer[] = [];
  for (const [stage, filters] of [16, 32].entries()) {
    for (let block = 0; block < 2; block++) {
      const first = stage === 0 && block === 0;
      layers.push(
        // No bias: the batch norm that follows subtracts the mean, which would cancel it.
        tf.layers.conv2d({
          ...(first ? { inputShape: [28, 28, 1] } : {}),
          filters,
          kernelSize: 3,
          padding: "same",
          useBias: false,
        }),
        // PyTorch's BatchNorm2d defaults (momentum 0.1 in its convention, 0.9 in tfjs's; epsilon 1e-5), so that the
        // three frameworks compute the same thing; tfjs's own defaults are 0.99 and 1e-3.
        tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }),
        tf.layers.activation({ activation: "relu" }),
      );
    }
    layers.push(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  layers.push(
    tf.layers.flatten(),
    tf.layers.dropout({ rate: 0.25 }),
    tf.layers.dense({ units: 64, activation: "relu" }),
    tf.layers.dense({ units: 10, activation: "softmax" }),
  );
  return tf.sequential({ name: "vgg_bench", layers });
}

/**
 * FLOPs (2 × multiply-adds, as counted by the library's `summary()`) of one image's forward pass through the conv
 * and dense layers; pooling, norms and activations are ignored. A training step costs about 3× this: the forward
 * pass, the input gradient and the weight gradient.
 */
export function forwardFlops(model: tf.LayersModel): number {
  return 2 * summary(model).totalMacs;
}
