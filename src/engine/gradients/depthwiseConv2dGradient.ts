import * as tf from "@tensorflow/tfjs-core";
import type { DepthwiseConv2dNativeAttrs, GradConfig, NamedAttrMap, Tensor, Tensor4D } from "@tensorflow/tfjs-core";
import { dilatedGradients } from "./dilatedGradients";

/**
 * Gradient of DepthwiseConv2dNative, dilated convolutions included: tfjs's own stops with "dilation rates greater
 * than 1 are not yet supported", so `separableConv2d` and `depthwiseConv2d` layers with a dilation rate — the
 * cheap way to a large receptive field — could not train on any engine.
 */
export const depthwiseConv2dGradient: GradConfig = {
  kernelName: tf.DepthwiseConv2dNative,
  inputsToSave: ["x", "filter"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, filter] = saved as [Tensor4D, Tensor4D];
    const { dilations, strides, pad, dimRoundingMode } = attrs as unknown as DepthwiseConv2dNativeAttrs;
    return dilatedGradients(
      { input: tf.DepthwiseConv2dNativeBackpropInput, filter: tf.DepthwiseConv2dNativeBackpropFilter },
      { x, filter, dy: dy as Tensor4D },
      dilations,
      { strides, pad, dimRoundingMode },
    );
  },
};
