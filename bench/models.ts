import type * as tfType from "@tensorflow/tfjs";
import { lenet5 } from "../src/models";

/** The networks the bench trains; the same layers are built in Keras by keras_bench.py. */
export type BenchModel = "lenet5" | "deep";

/**
 * LeNet-5 (modern): conv 6@5×5 same + ReLU, max-pool 2, conv 16@5×5 valid + ReLU, max-pool 2, dense 120, 84, 10.
 * Deep: 8 × [conv 3×3 (32) – batch norm – ReLU] with max-pool 2 after blocks 2 and 4, then global average pooling
 * and dense 10.
 */
export function buildModel(tf: typeof tfType, name: BenchModel): tfType.LayersModel {
  // The bench trains the library's own LeNet-5, the model students train in lesson 6.
  if (name === "lenet5") return lenet5({ variant: "modern" });
  const layers: tfType.layers.Layer[] = [];
  for (let block = 0; block < 8; block++) {
    layers.push(
      tf.layers.conv2d({ ...(block === 0 ? { inputShape: [28, 28, 1] } : {}), filters: 32, kernelSize: 3, padding: "same", useBias: false }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: "relu" }),
    );
    if (block === 1 || block === 3) layers.push(tf.layers.maxPooling2d({ poolSize: 2 }));
  }
  layers.push(tf.layers.globalAveragePooling2d({}), tf.layers.dense({ units: 10, activation: "softmax" }));
  return tf.sequential({ layers });
}

/**
 * Multiply-adds × 2 of one image's forward pass through the conv and dense layers (the arithmetic that matters;
 * pooling, norm and activations are ignored). A training step costs about 3× this: the forward pass, the input
 * gradient and the weight gradient.
 */
export function forwardFlops(model: tfType.LayersModel): number {
  let flops = 0;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const output = layer.outputShape as number[];
    const weights = layer.getWeights();
    if (className === "Conv2D") {
      const [kh, kw, ci, co] = weights[0].shape;
      flops += 2 * kh * kw * ci * co * output[1] * output[2];
    } else if (className === "Dense") {
      const [inputs, units] = weights[0].shape;
      flops += 2 * inputs * units;
    }
  }
  return flops;
}
