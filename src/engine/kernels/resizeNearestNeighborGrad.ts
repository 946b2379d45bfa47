import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, ResizeNearestNeighborGradAttrs, TensorInfo } from "@tensorflow/tfjs-core";
import { arrayHost, KernelBackendName } from "./arrayHost";
import { axisSampling } from "./resizeSampling";

/**
 * ResizeNearestNeighborGrad: each output pixel's gradient goes back to the input pixel it was copied from. The
 * stock cpu kernel reads the gradient of every image after the first at the wrong offset (it steps through dy with
 * the input's batch stride), so `upSampling2d` trains wrongly on cpu whenever the batch has more than one image.
 */
export function resizeNearestNeighborGradConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const host = arrayHost(backendName, args.backend);
    const { images, dy } = args.inputs as { images: TensorInfo; dy: TensorInfo };
    const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeNearestNeighborGradAttrs;
    const [batch, inHeight, inWidth, channels] = images.shape;
    const [, outHeight, outWidth] = dy.shape;
    const rows = axisSampling(inHeight, outHeight, alignCorners, halfPixelCenters).nearest;
    const columns = axisSampling(inWidth, outWidth, alignCorners, halfPixelCenters).nearest;
    const dx = host.allocate(images.shape, "float32");
    const gradient = host.values(dy);
    const result = host.values(dx);
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
