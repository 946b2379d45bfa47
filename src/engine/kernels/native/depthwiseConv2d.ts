import * as tf from "@tensorflow/tfjs-core";
import type {
  DepthwiseConv2dNativeAttrs,
  DepthwiseConv2dNativeInputs,
  FusedDepthwiseConv2DAttrs,
  FusedDepthwiseConv2DInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from "@tensorflow/tfjs-core";
import { convolve, KernelArguments } from "./conv2d";
import { activationCode, Binding, Present } from "./heap";

/**
 * DepthwiseConv2dNative (the first half of a separable convolution, MobileNet's building block) as a oneDNN
 * convolution with one group per input channel.
 */
export function depthwiseConv2dNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArguments): TensorInfo => {
    const { x, filter } = args.inputs as unknown as Present<DepthwiseConv2dNativeInputs>;
    const attrs = args.attrs as unknown as DepthwiseConv2dNativeAttrs;
    if (attrs.dataFormat === "NCHW" || x.dtype !== "float32") return stock.kernelFunc(args) as TensorInfo;
    return convolve(binding, args, x, filter, undefined, 0, true);
  };
  return { kernelName: tf.DepthwiseConv2dNative, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** FusedDepthwiseConv2D (depthwise conv + bias + activation, at inference) with bias and ReLU inside oneDNN. */
export function fusedDepthwiseConv2dNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArguments): TensorInfo => {
    const { x, filter, bias } = args.inputs as unknown as FusedDepthwiseConv2DInputs;
    const attrs = args.attrs as unknown as FusedDepthwiseConv2DAttrs;
    const activation = activationCode(attrs.activation);
    const outChannels = filter.shape[2] * filter.shape[3];
    const biasFits = bias === undefined || tf.util.sizeFromShape((bias as TensorInfo).shape) === outChannels;
    if (attrs.dataFormat === "NCHW" || activation === undefined || !biasFits || x.dtype !== "float32")
      return stock.kernelFunc(args) as TensorInfo;
    return convolve(binding, args, x, filter, bias as TensorInfo | undefined, activation, true);
  };
  return { kernelName: tf.FusedDepthwiseConv2D, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
