import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import type { KernelBackendName } from "./arrayHost";
import { resizeGradient } from "./resizeSampling";

/**
 * ResizeBilinearGrad: each output pixel's gradient goes back to the four input pixels it was interpolated from,
 * with the same weights. The stock cpu kernel returns its result with height and width swapped ("The gradient of
 * input 'images' has shape [b, w, h, c]"), so `upSampling2d({ interpolation: "bilinear" })` cannot train on a
 * non-square map; it and the stock wasm kernel also ignore half-pixel centres.
 */
export function resizeBilinearGradConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { batch, inHeight, inWidth, channels, outHeight, outWidth, rows, columns, dx, gradient, result } =
      resizeGradient(backendName, args);
    let from = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < outHeight; r++) {
        const top = (b * inHeight + rows.lower[r]) * inWidth;
        const bottom = (b * inHeight + rows.upper[r]) * inWidth;
        const down = rows.fraction[r];
        for (let c = 0; c < outWidth; c++) {
          const right = columns.fraction[c];
          const left = columns.lower[c];
          const rightColumn = columns.upper[c];
          const weights = [(1 - down) * (1 - right), (1 - down) * right, down * (1 - right), down * right];
          const targets = [
            (top + left) * channels,
            (top + rightColumn) * channels,
            (bottom + left) * channels,
            (bottom + rightColumn) * channels,
          ];
          for (let d = 0; d < channels; d++, from++) {
            const value = gradient[from];
            for (let k = 0; k < 4; k++) result[targets[k] + d] += value * weights[k];
          }
        }
      }
    }
    return dx;
  };
  return { kernelName: tf.ResizeBilinearGrad, backendName, kernelFunc: kernelFunc as unknown as KernelFunc };
}
