import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { arrayHost, KernelBackendName } from "./arrayHost";
import { takesDilations } from "./dilationAware";
import { DepthwiseGradAttributes, forEachDepthwiseTap } from "./depthwiseWindows";

/**
 * DepthwiseConv2dNativeBackpropFilter: dFilter[kh, kw, c, q] = Σ x[b, ih, iw, c] · dy[b, oh, ow, c·m + q] over every
 * output pixel. Missing from tfjs's wasm backend, like the input gradient (depthwiseConv2dBackpropInput.ts).
 */
export function depthwiseConv2dBackpropFilterConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const host = arrayHost(backendName, args.backend);
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attributes = args.attrs as unknown as DepthwiseGradAttributes & {
      filterShape: [number, number, number, number];
    };
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attributes.filterShape,
      attributes.strides,
      attributes.dilations ?? 1,
      attributes.pad,
      attributes.dimRoundingMode,
      true,
    );
    const multiplier = info.outChannels / info.inChannels;
    const dFilter = host.allocate([...attributes.filterShape], "float32");
    const input = host.values(x);
    const gradient = host.values(dy);
    const result = host.values(dFilter);
    forEachDepthwiseTap(info, (xOffset, dyOffset, filterOffset) => {
      for (let c = 0; c < info.inChannels; c++) {
        const value = input[xOffset + c];
        for (let q = 0; q < multiplier; q++)
          result[filterOffset + c * multiplier + q] += value * gradient[dyOffset + c * multiplier + q];
      }
    });
    return dFilter;
  };
  return takesDilations({
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    backendName,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  });
}
