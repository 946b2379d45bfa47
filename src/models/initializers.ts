import * as tf from "@tensorflow/tfjs";

/**
 * Variance of a standard normal cut at ±2 standard deviations (what `tf.truncatedNormal` draws): 0.7737. Keras
 * divides its truncated normals' standard deviation by √0.7737 = 0.8796 so that the variance is the one asked for;
 * tfjs's `VarianceScaling` does not (tfjs issue 8594).
 */
export const TRUNCATED_NORMAL_VARIANCE = 0.7737413;

/**
 * He et al.'s (2015) initialisation for layers followed by a ReLU: weights with variance 2 / fan-in, so that the
 * signal keeps its size from layer to layer. tfjs's own `heNormal` draws 0.77 × that variance, which shrinks the
 * signal's variance by that factor at every layer; this draws the same truncated normal with the variance
 * corrected, as Keras's `he_normal` does.
 */
export function heNormal(seed?: number): ReturnType<typeof tf.initializers.varianceScaling> {
  return tf.initializers.varianceScaling({
    scale: 2 / TRUNCATED_NORMAL_VARIANCE,
    mode: "fanIn",
    distribution: "normal",
    seed,
  });
}
