import * as tf from "@tensorflow/tfjs-core";

/** Attributes tfjs passes to MaxPoolGrad and AvgPoolGrad. */
export interface PoolGradAttributes {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** The geometry of a 2-D pooling over an NHWC input, as tfjs computes it for the forward op. */
export function poolGeometry(inputShape: number[], attributes: PoolGradAttributes): tf.backend_util.Conv2DInfo {
  if (inputShape.length !== 4) {
    throw new Error(
      `cnnlab engine: pooling expects a rank-4 tensor [batch, height, width, channels], got shape [${inputShape.join(", ")}]`,
    );
  }
  return tf.backend_util.computePool2DInfo(
    inputShape as [number, number, number, number],
    attributes.filterSize,
    attributes.strides,
    1,
    attributes.pad,
    attributes.dimRoundingMode,
  );
}
