import * as tf from "@tensorflow/tfjs-core";
import type {
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropFilterInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from "@tensorflow/tfjs-core";
import { takesDilations } from "../dilationAware";
import { Binding, packArguments, WasmHeap, windowArguments, Present } from "./heap";

/** Conv2DBackpropFilter (the filter gradient of conv2d) in oneDNN, written in tfjs's [kh, kw, ci, co] layout. */
export function conv2dBackpropFilterNativeConfig(binding: Binding, fallback: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, dy } = args.inputs as unknown as Present<Conv2DBackpropFilterInputs>;
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    if (attrs.dataFormat === "NCHW") return fallback.kernelFunc(args) as TensorInfo;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attrs.filterShape,
      attrs.strides,
      (attrs as { dilations?: number | [number, number] }).dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const heap = new WasmHeap(args.backend);
    const dFilter = heap.allocate([...attrs.filterShape]);
    binding.conv2dBackpropFilter(
      heap.heap(),
      packArguments([heap.offset(x), heap.offset(dy), heap.offset(dFilter), ...windowArguments(info)]),
    );
    return dFilter;
  };
  return takesDilations({
    kernelName: tf.Conv2DBackpropFilter,
    backendName: "wasm",
    kernelFunc: kernelFunc as unknown as KernelFunc,
  });
}
