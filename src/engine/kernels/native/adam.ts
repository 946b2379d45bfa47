import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { Binding, packArguments, WasmHeap } from "./heap";

/**
 * cnnlab's Adam step for one variable, inputs { value, firstMoment, secondMoment, gradient, accumulatedBeta1,
 * accumulatedBeta2 } (the last two scalars), attrs { learningRate, beta1, beta2, epsilon }: outputs the new value and
 * the new moments. src/engine/optimizers/adam.ts routes tf.train.adam's updates to it.
 */
export const AdamUpdate = "CnnlabAdamUpdate";

export function adamUpdateNativeConfig(binding: Binding): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo[] => {
    const inputs = args.inputs as Record<string, TensorInfo>;
    const attrs = args.attrs as { learningRate: number; beta1: number; beta2: number; epsilon: number };
    const { value, firstMoment, secondMoment, gradient } = inputs;
    const heap = new WasmHeap(args.backend);
    const outputs = [heap.allocate([...value.shape]), heap.allocate([...value.shape]), heap.allocate([...value.shape])];
    binding.adamUpdate(
      heap.heap(),
      packArguments([
        tf.util.sizeFromShape(value.shape),
        heap.offset(value),
        heap.offset(firstMoment),
        heap.offset(secondMoment),
        heap.offset(gradient),
        attrs.learningRate,
        attrs.beta1,
        attrs.beta2,
        attrs.epsilon,
        heap.offset(inputs.accumulatedBeta1),
        heap.offset(inputs.accumulatedBeta2),
        ...outputs.map((output) => heap.offset(output)),
      ]),
    );
    return outputs;
  };
  return { kernelName: AdamUpdate, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
