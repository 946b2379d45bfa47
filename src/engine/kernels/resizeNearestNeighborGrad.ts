import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import type { KernelBackendName } from "./arrayHost";
import { resizeGradient } from "./resizeSampling";

/**
 * ResizeNearestNeighborGrad: each output pixel's gradient goes back to the input pixel it was copied from. The
 * stock cpu kernel reads the gradient of every image after the first at the wrong offset (it steps through dy with
 * the input's batch stride), so `upSampling2d` trains wrongly on cpu whenever the batch has more than one image.
 */
export function resizeNearestNeighborGradConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const { batch, inHeight, inWidth, channels, outHeight, outWidth, dx, gradient, result, ...sampling } =
      resizeGradient(backendName, args);
    const rows = sampling.rows.nearest;
    const columns = sampling.columns.nearest;
    let from = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < outHeight; r++) {
        const row = (b * inHeight + rows[r]) * inWidth;
        for (let c = 0; c < outWidth; c++) {
          const to = (row + columns[c]) * channels;
          for (let d = 0; d < channels; d++, from++) result[to + d] += gradient[from];
        }
      }
    }
    return dx;
  };
  return { kernelName: tf.ResizeNearestNeighborGrad, backendName, kernelFunc: kernelFunc as unknown as KernelFunc };
}
