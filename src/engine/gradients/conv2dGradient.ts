import * as tf from "@tensorflow/tfjs-core";
import type { Conv2DAttrs, GradConfig, NamedAttrMap, Tensor, Tensor4D } from "@tensorflow/tfjs-core";
import { dilatedGradients } from "./dilatedGradients";

/**
 * Gradient of Conv2D, dilated convolutions included: tfjs's own stops with "dilation rates greater than 1 are not
 * yet supported in gradients", so a dilated layer — lesson 3's way to grow the receptive field — could not be
 * trained on any engine. Dilation 1 is tfjs's formula.
 */
export const conv2dGradient: GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ["x", "filter"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, filter] = saved as [Tensor4D, Tensor4D];
    const { dilations, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
    const dilated = [dilations ?? 1].flat().some((rate) => rate > 1);
    if (dilated && dataFormat === "NCHW") {
      throw new Error(
        "conv2d gradient: dilated convolutions train with channels-last data only; use dataFormat 'NHWC' (channelsLast)",
      );
    }
    return dilatedGradients(
      { input: tf.Conv2DBackpropInput, filter: tf.Conv2DBackpropFilter },
      { x, filter, dy: dy as Tensor4D },
      dilations,
      { strides, pad, dataFormat, dimRoundingMode },
    );
  },
};
