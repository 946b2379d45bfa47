import * as tf from "@tensorflow/tfjs-core";
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropFilterInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from "@tensorflow/tfjs-core";
import { takesDilations } from "../dilationAware";
import { Binding, packArguments, Present, WasmHeap, windowArguments } from "./heap";

/**
 * DepthwiseConv2dNativeBackpropFilter (the filter gradient of a depthwise convolution) in oneDNN, written in tfjs's
 * [kh, kw, ci, multiplier] layout. tfjs's wasm backend has no such kernel.
 */
export function depthwiseConv2dBackpropFilterNativeConfig(binding: Binding): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, dy } = args.inputs as unknown as Present<DepthwiseConv2dNativeBackpropFilterInputs>;
    const attrs = args.attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      attrs.strides,
      attrs.dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
      true,
    );
    const heap = new WasmHeap(args.backend);
    const dFilter = heap.allocate([...attrs.filterShape]);
    binding.conv2dBackpropFilter(
      heap.heap(),
      packArguments([heap.offset(x), heap.offset(dy), heap.offset(dFilter), ...windowArguments(info, true)]),
    );
    return dFilter;
  };
  return takesDilations({
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    backendName: "wasm",
    kernelFunc: kernelFunc as unknown as KernelFunc,
  });
}
