import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { arrayHost, KernelBackendName } from "./arrayHost";
import { PoolGradAttributes, poolGeometry } from "./poolWindows";

/**
 * AvgPoolGrad: each output's gradient is shared equally by the input pixels of its window. Divides by the number of
 * pixels inside the input, as tfjs's forward avgPool does; the stock cpu gradient divides by the full filter size,
 * which is wrong at the borders with padding "same" (finite differences disagree with it there).
 */
export function avgPoolGradConfig(backendName: KernelBackendName): KernelConfig {
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
          const count = (rowTo - rowFrom) * (columnTo - columnFrom);
          if (count <= 0) continue;
          const dyOffset = ((b * outHeight + oh) * outWidth + ow) * channels;
          for (let ih = rowFrom; ih < rowTo; ih++) {
            for (let iw = columnFrom; iw < columnTo; iw++) {
              const dxOffset = ((b * inHeight + ih) * inWidth + iw) * channels;
              for (let c = 0; c < channels; c++) result[dxOffset + c] += gradient[dyOffset + c] / count;
            }
          }
        }
      }
    }
    return dx;
  };
  return { kernelName: tf.AvgPoolGrad, backendName, kernelFunc: kernelFunc as unknown as KernelFunc };
}
