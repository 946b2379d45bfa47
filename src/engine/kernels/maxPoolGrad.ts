import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { arrayHost, KernelBackendName } from "./arrayHost";
import { PoolGradAttributes, poolGeometry } from "./poolWindows";

/**
 * MaxPoolGrad: each output's gradient goes to the input pixel that was the maximum of its window (the first one
 * in row-major order on ties, as tfjs's forward op picks it; padding never wins). Typed-array loops: the stock cpu
 * kernel reads every element through TensorBuffer.get.
 */
export function maxPoolGradConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const host = arrayHost(backendName, args.backend);
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const info = poolGeometry(input.shape, args.attrs as unknown as PoolGradAttributes);
    const {
      batchSize,
      inHeight,
      inWidth,
      inChannels: channels,
      outHeight,
      outWidth,
      strideHeight,
      strideWidth,
      filterHeight,
      filterWidth,
    } = info;
    const padTop = info.padInfo.top;
    const padLeft = info.padInfo.left;
    const dx = host.allocate(input.shape, "float32");
    const x = host.values(input);
    const gradient = host.values(dy);
    const result = host.values(dx);
    for (let b = 0; b < batchSize; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const rowStart = oh * strideHeight - padTop;
        const rowFrom = Math.max(0, rowStart);
        const rowTo = Math.min(inHeight, rowStart + filterHeight);
        for (let ow = 0; ow < outWidth; ow++) {
          const columnStart = ow * strideWidth - padLeft;
          const columnFrom = Math.max(0, columnStart);
          const columnTo = Math.min(inWidth, columnStart + filterWidth);
          const dyOffset = ((b * outHeight + oh) * outWidth + ow) * channels;
          for (let c = 0; c < channels; c++) {
            let best = -Infinity;
            let bestIndex = -1;
            for (let ih = rowFrom; ih < rowTo; ih++) {
              for (let iw = columnFrom; iw < columnTo; iw++) {
                const index = ((b * inHeight + ih) * inWidth + iw) * channels + c;
                if (x[index] > best) {
                  best = x[index];
                  bestIndex = index;
                }
              }
            }
            if (bestIndex >= 0) result[bestIndex] += gradient[dyOffset + c];
          }
        }
      }
    }
    return dx;
  };
  return { kernelName: tf.MaxPoolGrad, backendName, kernelFunc: kernelFunc as unknown as KernelFunc };
}
