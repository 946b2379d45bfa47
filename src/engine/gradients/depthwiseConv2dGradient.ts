import * as tf from "@tensorflow/tfjs-core";
import type { DepthwiseConv2dNativeAttrs, GradConfig, NamedAttrMap, Tensor, Tensor4D } from "@tensorflow/tfjs-core";
import { kernelTakesDilations } from "../kernels/dilationAware";
import { spreadFilter, spreadShape } from "./spreadFilter";

/**
 * Gradient of DepthwiseConv2dNative, dilated convolutions included: tfjs's own stops with "dilation rates greater
 * than 1 are not yet supported", so `separableConv2d` and `depthwiseConv2d` layers with a dilation rate — the
 * cheap way to a large receptive field — could not train on any engine. As for conv2d (conv2dGradient.ts), both
 * gradients come from the spread filter and the ordinary dilation-1 gradient kernels, unless the engine's kernels
 * take the dilation themselves (kernels/dilationAware.ts).
 */
export const depthwiseConv2dGradient: GradConfig = {
  kernelName: tf.DepthwiseConv2dNative,
  inputsToSave: ["x", "filter"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const gradient = dy as Tensor4D;
    const [x, filter] = saved as [Tensor4D, Tensor4D];
    const { dilations, strides, pad, dimRoundingMode } = attrs as unknown as DepthwiseConv2dNativeAttrs;
    const [dilationHeight, dilationWidth] = typeof dilations === "number" ? [dilations, dilations] : dilations ?? [1, 1];
    const dilated = dilationHeight > 1 || dilationWidth > 1;
    const direct = !dilated || (kernelTakesDilations(tf.DepthwiseConv2dNativeBackpropInput) && kernelTakesDilations(tf.DepthwiseConv2dNativeBackpropFilter));
    const kernelAttrs = { strides, pad, dimRoundingMode, dilations: dilated && direct ? [dilationHeight, dilationWidth] : [1, 1] };
    return {
      x: () => tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: gradient, filter: direct ? filter : spreadFilter(filter, dilationHeight, dilationWidth) }, { ...kernelAttrs, inputShape: x.shape } as unknown as NamedAttrMap) as Tensor,
      filter: () => {
        if (direct) return tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy: gradient }, { ...kernelAttrs, filterShape: filter.shape } as unknown as NamedAttrMap) as Tensor;
        const shape = spreadShape(filter.shape, dilationHeight, dilationWidth);
        const full = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy: gradient }, { ...kernelAttrs, filterShape: shape } as unknown as NamedAttrMap) as Tensor4D;
        return tf.stridedSlice(full, [0, 0, 0, 0], shape, [dilationHeight, dilationWidth, 1, 1]);
      },
    };
  },
};
