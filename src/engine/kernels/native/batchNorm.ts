import * as tf from "@tensorflow/tfjs-core";
import type {
  FusedBatchNormAttrs,
  FusedBatchNormInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from "@tensorflow/tfjs-core";
import { Binding, packArguments, WasmHeap, Present } from "./heap";

/**
 * cnnlab's training-mode batch norm kernel, inputs { x, scale, offset }, attrs { epsilon }: outputs the normalised
 * x and the batch mean and (biased) variance per channel of the last axis. One kernel where tfjs runs moments and
 * normalisation as separate kernels; src/engine/layers/batchNormalization.ts routes tf.layers.batchNormalization's
 * training pass to it.
 */
export const BatchNormTraining = "CnnlabBatchNormTraining";
/** Its gradient kernel, inputs { dy, x, scale, mean, variance }: outputs dx, dScale, dOffset. */
export const BatchNormTrainingGradient = "CnnlabBatchNormTrainingGradient";

function rowsAndChannels(x: TensorInfo): [number, number] {
  const channels = x.shape[x.shape.length - 1];
  return [tf.util.sizeFromShape(x.shape) / channels, channels];
}

export function batchNormTrainingNativeConfig(binding: Binding): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo[] => {
    const { x, scale, offset } = args.inputs as { x: TensorInfo; scale: TensorInfo; offset: TensorInfo };
    const epsilon = (args.attrs as { epsilon: number }).epsilon;
    const [rows, channels] = rowsAndChannels(x);
    const heap = new WasmHeap(args.backend);
    const y = heap.allocate([...x.shape]);
    const mean = heap.allocate([channels]);
    const variance = heap.allocate([channels]);
    binding.batchNormTraining(
      heap.heap(),
      packArguments([
        rows,
        channels,
        heap.offset(x),
        heap.offset(scale),
        heap.offset(offset),
        epsilon,
        heap.offset(y),
        heap.offset(mean),
        heap.offset(variance),
      ]),
    );
    return [y, mean, variance];
  };
  return { kernelName: BatchNormTraining, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}

export function batchNormTrainingGradientNativeConfig(binding: Binding): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo[] => {
    const { dy, x, scale, mean, variance } = args.inputs as Record<string, TensorInfo>;
    const epsilon = (args.attrs as { epsilon: number }).epsilon;
    const [rows, channels] = rowsAndChannels(x);
    const heap = new WasmHeap(args.backend);
    const dx = heap.allocate([...x.shape]);
    const dScale = heap.allocate([channels]);
    const dOffset = heap.allocate([channels]);
    binding.batchNormTrainingGradient(
      heap.heap(),
      packArguments([
        rows,
        channels,
        heap.offset(dy),
        heap.offset(x),
        heap.offset(scale),
        heap.offset(mean),
        heap.offset(variance),
        epsilon,
        heap.offset(dx),
        heap.offset(dScale),
        heap.offset(dOffset),
      ]),
    );
    return [dx, dScale, dOffset];
  };
  return {
    kernelName: BatchNormTrainingGradient,
    backendName: "wasm",
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}

/**
 * FusedBatchNorm (batch norm with given statistics: inference, and tfjs's own training path) in one native pass,
 * when the statistics, scale and offset hold one value per channel of the last axis; else the stock kernel.
 */
export function fusedBatchNormNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, mean, variance, offset, scale } = args.inputs as unknown as Present<
      Pick<FusedBatchNormInputs, "x" | "mean" | "variance">
    > &
      Pick<FusedBatchNormInputs, "offset" | "scale">;
    const { varianceEpsilon } = args.attrs as unknown as FusedBatchNormAttrs;
    const channels = x.shape[x.shape.length - 1];
    const perChannel = (info: TensorInfo | undefined): boolean =>
      info === undefined || (info.dtype === "float32" && tf.util.sizeFromShape(info.shape) === channels);
    if (x.dtype !== "float32" || x.shape.length < 2 || ![mean, variance, offset, scale].every(perChannel))
      return stock.kernelFunc(args) as TensorInfo;
    const [rows] = rowsAndChannels(x);
    const heap = new WasmHeap(args.backend);
    const y = heap.allocate([...x.shape]);
    binding.batchNormInference(
      heap.heap(),
      packArguments([
        rows,
        channels,
        heap.offset(x),
        heap.offset(mean),
        heap.offset(variance),
        heap.offset(scale as TensorInfo | undefined),
        heap.offset(offset as TensorInfo | undefined),
        varianceEpsilon,
        heap.offset(y),
      ]),
    );
    return y;
  };
  return { kernelName: tf.FusedBatchNorm, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
