import * as tf from "@tensorflow/tfjs-core";
import type { GradConfig, Tensor } from "@tensorflow/tfjs-core";

/**
 * Comparisons (a > b, a == b, ...) are flat almost everywhere, so their gradient is zero — TensorFlow declares them
 * not differentiable and treats the missing gradient as zero. tfjs has no gradient for them and stops with "Cannot
 * compute gradient: gradient function not found for Greater": `tf.layers.thresholdedReLU` (x · (x > θ)) cannot
 * train, nor can any student code that masks with a comparison.
 */
export const comparisonGradients: GradConfig[] = [
  tf.Greater,
  tf.GreaterEqual,
  tf.Less,
  tf.LessEqual,
  tf.Equal,
  tf.NotEqual,
].map((kernelName) => ({
  kernelName,
  inputsToSave: ["a", "b"],
  gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [a, b] = saved;
    return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
  },
}));
