import * as tf from "@tensorflow/tfjs-core";
import type { BinaryInputs, KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { Binding, packArguments, Present, WasmHeap } from "./heap";

/** True when `bias` holds one value per channel of `x`'s last axis (shape [c], or [1, ..., 1, c]). */
function isChannelBias(x: TensorInfo, bias: TensorInfo): boolean {
  const channels = x.shape[x.shape.length - 1];
  return (
    bias.shape.length <= x.shape.length &&
    bias.shape[bias.shape.length - 1] === channels &&
    bias.shape.slice(0, -1).every((size) => size === 1) &&
    tf.util.sizeFromShape(x.shape) > channels
  );
}

/**
 * Add for the two shapes training adds most: a per-channel bias onto channels-last activations (either operand
 * order), and two tensors of one shape (gradients of a tensor used twice). Anything else, and non-float32
 * tensors, go to the stock kernel.
 */
export function addNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { a, b } = args.inputs as unknown as Present<BinaryInputs>;
    if (a.dtype !== "float32" || b.dtype !== "float32") return stock.kernelFunc(args) as TensorInfo;
    const heap = new WasmHeap(args.backend);
    if (tf.util.arraysEqual(a.shape, b.shape)) {
      const y = heap.allocate([...a.shape]);
      binding.add(
        heap.heap(),
        packArguments([tf.util.sizeFromShape(a.shape), heap.offset(a), heap.offset(b), heap.offset(y)]),
      );
      return y;
    }
    const [x, bias] = isChannelBias(a, b) ? [a, b] : isChannelBias(b, a) ? [b, a] : [undefined, undefined];
    if (x === undefined || bias === undefined) return stock.kernelFunc(args) as TensorInfo;
    const channels = x.shape[x.shape.length - 1];
    const y = heap.allocate([...x.shape]);
    binding.biasAdd(
      heap.heap(),
      packArguments([
        tf.util.sizeFromShape(x.shape) / channels,
        channels,
        heap.offset(x),
        heap.offset(bias),
        heap.offset(y),
      ]),
    );
    return y;
  };
  return { kernelName: tf.Add, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
