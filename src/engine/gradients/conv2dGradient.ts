import * as tf from "@tensorflow/tfjs-core";
import type { Conv2DAttrs, GradConfig, NamedAttrMap, Tensor, Tensor4D } from "@tensorflow/tfjs-core";
import { kernelTakesDilations } from "../kernels/dilationAware";
import { spreadFilter, spreadShape } from "./spreadFilter";

/**
 * Gradient of Conv2D, dilated convolutions included: tfjs's own stops with "dilation rates greater than 1 are not
 * yet supported in gradients", so a dilated layer — lesson 3's way to grow the receptive field — could not be
 * trained on any engine. A convolution with dilation d equals one with dilation 1 and the filter spread out, d − 1
 * zeros between its taps; both gradients follow from that spread filter with the ordinary gradient kernels, which
 * every backend has, and the filter's gradient is every d-th tap of the spread one. Where the engine's kernels take
 * the dilation themselves (kernels/dilationAware.ts) they get it directly. Dilation 1 is tfjs's formula.
 */
export const conv2dGradient: GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ["x", "filter"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const gradient = dy as Tensor4D;
    const [x, filter] = saved as [Tensor4D, Tensor4D];
    const { dilations, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
    const [dilationHeight, dilationWidth] = typeof dilations === "number" ? [dilations, dilations] : dilations ?? [1, 1];
    const dilated = dilationHeight > 1 || dilationWidth > 1;
    if (dilated && dataFormat === "NCHW") {
      throw new Error("conv2d gradient: dilated convolutions train with channels-last data only; use dataFormat 'NHWC' (channelsLast)");
    }
    // Our native kernels take the dilation themselves; other backends get the spread filter and dilation 1.
    const direct = !dilated || (kernelTakesDilations(tf.Conv2DBackpropInput) && kernelTakesDilations(tf.Conv2DBackpropFilter));
    const kernelAttrs = { strides, pad, dataFormat, dimRoundingMode, ...(dilated && direct ? { dilations } : {}) };
    return {
      x: () => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: gradient, filter: direct ? filter : spreadFilter(filter, dilationHeight, dilationWidth) }, { ...kernelAttrs, inputShape: x.shape } as unknown as NamedAttrMap) as Tensor,
      filter: () => {
        if (direct) return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: gradient }, { ...kernelAttrs, filterShape: filter.shape } as unknown as NamedAttrMap) as Tensor;
        const shape = spreadShape(filter.shape, dilationHeight, dilationWidth);
        const full = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy: gradient }, { ...kernelAttrs, filterShape: shape } as unknown as NamedAttrMap) as Tensor4D;
        return tf.stridedSlice(full, [0, 0, 0, 0], shape, [dilationHeight, dilationWidth, 1, 1]);
      },
    };
  },
};
