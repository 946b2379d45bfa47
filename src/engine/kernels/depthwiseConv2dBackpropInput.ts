import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { arrayHost, KernelBackendName } from "./arrayHost";
import { takesDilations } from "./dilationAware";
import { DepthwiseGradAttributes, forEachDepthwiseTap } from "./depthwiseWindows";

/**
 * DepthwiseConv2dNativeBackpropInput: dx[b, ih, iw, c] = Σ dy[b, oh, ow, c·m + q] · filter[kh, kw, c, q] over the
 * taps that read (ih, iw). tfjs's wasm backend has no such kernel, so a depthwise or separable convolution could not
 * train on the wasm engine ("Kernel 'DepthwiseConv2dNativeBackpropInput' not registered for backend 'wasm'").
 * Dilations are honoured (dilationAware.ts).
 */
export function depthwiseConv2dBackpropInputConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const host = arrayHost(backendName, args.backend);
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attributes = args.attrs as unknown as DepthwiseGradAttributes & {
      inputShape: [number, number, number, number];
    };
    const info = tf.backend_util.computeConv2DInfo(
      attributes.inputShape,
      filter.shape as [number, number, number, number],
      attributes.strides,
      attributes.dilations ?? 1,
      attributes.pad,
      attributes.dimRoundingMode,
      true,
    );
    const multiplier = info.outChannels / info.inChannels;
    const dx = host.allocate([...attributes.inputShape], "float32");
    const gradient = host.values(dy);
    const weights = host.values(filter);
    const result = host.values(dx);
    forEachDepthwiseTap(info, (xOffset, dyOffset, filterOffset) => {
      for (let c = 0; c < info.inChannels; c++) {
        let sum = 0;
        for (let q = 0; q < multiplier; q++)
          sum += gradient[dyOffset + c * multiplier + q] * weights[filterOffset + c * multiplier + q];
        result[xOffset + c] += sum;
      }
    });
    return dx;
  };
  return takesDilations({
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    backendName,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  });
}
