import * as tf from "@tensorflow/tfjs-core";
import type {
  Conv2DAttrs,
  Conv2DInputs,
  FusedConv2DAttrs,
  FusedConv2DInputs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from "@tensorflow/tfjs-core";
import { activationCode, Binding, packArguments, WasmHeap, windowArguments, Present } from "./heap";

export type KernelArguments = Parameters<KernelFunc>[0];

/** y = activation(conv(x, filter) + bias) in oneDNN; `depthwise` reads the filter as [kh, kw, ci, multiplier]. */
export function convolve(
  binding: Binding,
  args: KernelArguments,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  activation: number,
  depthwise = false,
): TensorInfo {
  const attrs = args.attrs as unknown as Conv2DAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1, // tfjs-layers passes null for "no dilation"
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
  const heap = new WasmHeap(args.backend);
  const y = heap.allocate([info.batchSize, info.outHeight, info.outWidth, info.outChannels]);
  binding.conv2d(
    heap.heap(),
    packArguments([
      heap.offset(x),
      heap.offset(filter),
      heap.offset(bias),
      heap.offset(y),
      activation,
      ...windowArguments(info, depthwise),
    ]),
  );
  return y;
}

/** Conv2D in oneDNN on every core; channels-first input goes to the stock kernel. */
export function conv2dNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArguments): TensorInfo => {
    const { x, filter } = args.inputs as unknown as Present<Conv2DInputs>;
    const attrs = args.attrs as unknown as Conv2DAttrs;
    if (attrs.dataFormat === "NCHW" || x.dtype !== "float32") return stock.kernelFunc(args) as TensorInfo;
    return convolve(binding, args, x, filter, undefined, 0);
  };
  return { kernelName: tf.Conv2D, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}

/**
 * FusedConv2D (conv + bias + activation, what tfjs runs when no gradient is recorded: inference) with the bias and
 * ReLU applied inside oneDNN's convolution. Other activations, a bias that is not one value per channel, and
 * channels-first input go to the stock kernel.
 */
export function fusedConv2dNativeConfig(binding: Binding, stock: KernelConfig): KernelConfig {
  const kernelFunc = (args: KernelArguments): TensorInfo => {
    const { x, filter, bias } = args.inputs as unknown as FusedConv2DInputs;
    const attrs = args.attrs as unknown as FusedConv2DAttrs;
    const activation = activationCode(attrs.activation);
    const outChannels = filter.shape[3];
    const biasFits = bias === undefined || (bias as TensorInfo).shape.reduce((a, b) => a * b, 1) === outChannels;
    if (attrs.dataFormat === "NCHW" || activation === undefined || !biasFits || x.dtype !== "float32")
      return stock.kernelFunc(args) as TensorInfo;
    return convolve(binding, args, x, filter, bias as TensorInfo | undefined, activation);
  };
  return { kernelName: tf.FusedConv2D, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
