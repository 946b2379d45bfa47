import * as tf from "@tensorflow/tfjs-core";
import type {
  Conv2DBackpropInputAttrs,
  Conv2DBackpropInputInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from "@tensorflow/tfjs-core";
import { takesDilations } from "../dilationAware";
import { Binding, packArguments, WasmHeap, windowArguments, Present } from "./heap";

/** Conv2DBackpropInput (the input gradient of conv2d, also conv2dTranspose) in oneDNN. */
export function conv2dBackpropInputNativeConfig(binding: Binding, fallback: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, filter } = args.inputs as unknown as Present<Conv2DBackpropInputInputs>;
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    if (attrs.dataFormat === "NCHW") return fallback.kernelFunc(args) as TensorInfo;
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      (attrs as { dilations?: number | [number, number] }).dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
    );
    const heap = new WasmHeap(args.backend);
    const dx = heap.allocate([...attrs.inputShape]);
    binding.conv2dBackpropInput(
      heap.heap(),
      packArguments([heap.offset(dy), heap.offset(filter), heap.offset(dx), ...windowArguments(info)]),
    );
    return dx;
  };
  return takesDilations({
    kernelName: tf.Conv2DBackpropInput,
    backendName: "wasm",
    kernelFunc: kernelFunc as unknown as KernelFunc,
  });
}
