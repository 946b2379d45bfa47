import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, MaxPoolGradInputs, TensorInfo } from "@tensorflow/tfjs-core";
import { poolGeometry, PoolGradAttributes } from "../poolWindows";
import { Binding, packArguments, WasmHeap, windowArguments, Present } from "./heap";

/** MaxPoolGrad: each output's gradient goes to the first maximum of its window (row-major), as in maxPoolGrad.ts. */
export function maxPoolGradNativeConfig(binding: Binding): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, input } = args.inputs as unknown as Present<MaxPoolGradInputs>;
    const info = poolGeometry(input.shape, args.attrs as unknown as PoolGradAttributes);
    const heap = new WasmHeap(args.backend);
    const dx = heap.allocate([...input.shape]);
    binding.maxPoolGradient(
      heap.heap(),
      packArguments([heap.offset(dy), heap.offset(input), heap.offset(dx), ...windowArguments(info)]),
    );
    return dx;
  };
  return { kernelName: tf.MaxPoolGrad, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
