import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { Binding, packArguments, WasmHeap } from "./heap";

/** The name of cnnlab's ReLU gradient kernel: dx = dy where x > 0, else 0, in one pass. */
export const ReluGradient = "CnnlabReluGradient";

/** Relu on every core. */
export function reluNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== "float32") return stock.kernelFunc(args) as TensorInfo;
    const heap = new WasmHeap(args.backend);
    const y = heap.allocate([...x.shape]);
    binding.relu(heap.heap(), packArguments([tf.util.sizeFromShape(x.shape), heap.offset(x), heap.offset(y)]));
    return y;
  };
  return { kernelName: tf.Relu, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** The ReLU gradient kernel that reluGradient.ts uses where it is registered. */
export function reluGradientNativeConfig(binding: Binding): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
    const heap = new WasmHeap(args.backend);
    const dx = heap.allocate([...x.shape]);
    binding.reluGradient(
      heap.heap(),
      packArguments([tf.util.sizeFromShape(x.shape), heap.offset(dy), heap.offset(x), heap.offset(dx)]),
    );
    return dx;
  };
  return { kernelName: ReluGradient, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
