import * as tf from "@tensorflow/tfjs-core";
import type {
  DepthwiseConv2dNativeBackpropInputAttrs,
  DepthwiseConv2dNativeBackpropInputInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from "@tensorflow/tfjs-core";
import { takesDilations } from "../dilationAware";
import { Binding, packArguments, Present, WasmHeap, windowArguments } from "./heap";

/**
 * DepthwiseConv2dNativeBackpropInput (the input gradient of a depthwise convolution) in oneDNN. tfjs's wasm backend
 * has no such kernel, so without it a depthwise or separable convolution cannot be trained there.
 */
export function depthwiseConv2dBackpropInputNativeConfig(binding: Binding): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, filter } = args.inputs as unknown as Present<DepthwiseConv2dNativeBackpropInputInputs>;
    const attrs = args.attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
      true,
    );
    const heap = new WasmHeap(args.backend);
    const dx = heap.allocate([...attrs.inputShape]);
    binding.conv2dBackpropInput(
      heap.heap(),
      packArguments([heap.offset(dy), heap.offset(filter), heap.offset(dx), ...windowArguments(info, true)]),
    );
    return dx;
  };
  return takesDilations({
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    backendName: "wasm",
    kernelFunc: kernelFunc as unknown as KernelFunc,
  });
}
