import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, SumAttrs, SumInputs, TensorInfo } from "@tensorflow/tfjs-core";
import { Binding, packArguments, Present, WasmHeap } from "./heap";

/**
 * Sum over every axis but the last of a float32 tensor — a bias's gradient, per channel — natively; every other
 * reduction goes to the stock kernel.
 */
export function sumNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = args.inputs as unknown as Present<SumInputs>;
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const allButLast = rank >= 2 && axes.length === rank - 1 && axes.every((value, i) => value === i);
    if (x.dtype !== "float32" || !allButLast) return stock.kernelFunc(args) as TensorInfo;
    const channels = x.shape[rank - 1];
    const heap = new WasmHeap(args.backend);
    const sums = heap.allocate(keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels]);
    binding.columnSums(
      heap.heap(),
      packArguments([tf.util.sizeFromShape(x.shape) / channels, channels, heap.offset(x), heap.offset(sums)]),
    );
    return sums;
  };
  return { kernelName: tf.Sum, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
