import * as tf from "@tensorflow/tfjs-core";
import type { GradConfig, NamedAttrMap, Tensor } from "@tensorflow/tfjs-core";

/**
 * Gradient of batchNorm(x, mean, variance, offset, scale) = (x − mean) · rsqrt(variance + ε) · scale + offset.
 * The same formulas as tfjs's own gradient, with per-channel factors broadcast instead of tiled to the full shape
 * of x first (that Tile was the slowest kernel of a BatchNorm network's training step on wasm).
 */
export const fusedBatchNormGradient: GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: ["x", "mean", "variance", "scale"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const gradient = dy as Tensor;
    const epsilon = attrs.varianceEpsilon as number;
    const [x, mean, variance, scale] = saved;
    const scaleValue = scale ?? tf.scalar(1);
    const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const perChannel = (value: Tensor): Tensor => (reductionAxes.length > 0 ? tf.sum(value, reductionAxes) : value);
    const xMinusMean = tf.sub(x, mean);
    const dyTimesScale = tf.mul(gradient, scaleValue);
    const oneOverSqrtVariance = tf.rsqrt(tf.add(variance, tf.scalar(epsilon)));
    const minusHalfCube = tf.mul(tf.pow(oneOverSqrtVariance, tf.scalar(3)), tf.scalar(-0.5));
    return {
      x: () => tf.reshape(tf.mul(dyTimesScale, oneOverSqrtVariance), x.shape),
      mean: () => tf.reshape(perChannel(tf.neg(tf.mul(dyTimesScale, oneOverSqrtVariance))), mean.shape),
      variance: () => tf.reshape(perChannel(tf.mul(tf.mul(minusHalfCube, xMinusMean), dyTimesScale)), mean.shape),
      scale: () => tf.reshape(perChannel(tf.mul(gradient, tf.mul(xMinusMean, oneOverSqrtVariance))), mean.shape),
      offset: () => tf.reshape(perChannel(gradient), mean.shape),
    };
  },
};
