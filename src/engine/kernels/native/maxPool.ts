import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, MaxPoolAttrs, MaxPoolInputs, TensorInfo } from "@tensorflow/tfjs-core";
import { poolGeometry } from "../poolWindows";
import { Binding, packArguments, WasmHeap, windowArguments, Present } from "./heap";

/** MaxPool over NHWC in native loops on every core. */
export function maxPoolNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = args.inputs as unknown as Present<MaxPoolInputs>;
    if (x.dtype !== "float32") return stock.kernelFunc(args) as TensorInfo;
    const info = poolGeometry(x.shape, args.attrs as unknown as MaxPoolAttrs);
    const heap = new WasmHeap(args.backend);
    const y = heap.allocate([info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
    binding.maxPool(heap.heap(), packArguments([heap.offset(x), heap.offset(y), ...windowArguments(info)]));
    return y;
  };
  return { kernelName: tf.MaxPool, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
