import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, ResizeBilinearGradAttrs, TensorInfo } from "@tensorflow/tfjs-core";

/** The parts of tfjs-node's backend object that a kernel calling a TensorFlow op needs. */
interface TensorflowBackend {
  binding: { TF_ATTR_BOOL: number };
  executeSingleOutput(name: string, attrs: object[], inputs: TensorInfo[]): TensorInfo;
}

/**
 * ResizeBilinearGrad and ResizeNearestNeighborGrad on tfjs-node, passing half-pixel centres to TensorFlow: tfjs-node's
 * own kernels pass only align-corners, so the gradient of a resize with `halfPixelCenters: true` is that of a
 * different resize. Everything else goes to the stock kernel.
 */
export function resizeGradTensorflowConfig(
  kernelName: typeof tf.ResizeBilinearGrad | typeof tf.ResizeNearestNeighborGrad,
  stock: KernelConfig,
): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const attrs = args.attrs as unknown as ResizeBilinearGradAttrs;
    if (!attrs.halfPixelCenters) return stock.kernelFunc(args) as TensorInfo;
    const { images, dy } = args.inputs as { images: TensorInfo; dy: TensorInfo };
    const backend = args.backend as unknown as TensorflowBackend;
    // Loaded only here: this kernel is registered only once tfjs-node has loaded.
    const { createTensorsTypeOpAttr } = require("@tensorflow/tfjs-node/dist/nodejs_kernel_backend") as {
      createTensorsTypeOpAttr(name: string, dtype: string): object;
    };
    const opAttrs = [
      createTensorsTypeOpAttr("T", images.dtype),
      { name: "align_corners", type: backend.binding.TF_ATTR_BOOL, value: attrs.alignCorners },
      { name: "half_pixel_centers", type: backend.binding.TF_ATTR_BOOL, value: true },
    ];
    if (kernelName === tf.ResizeBilinearGrad) return backend.executeSingleOutput(kernelName, opAttrs, [dy, images]);
    // TensorFlow's nearest-neighbour gradient takes the original size instead of the images.
    const size = tf.tensor1d([images.shape[1], images.shape[2]], "int32");
    try {
      return backend.executeSingleOutput(kernelName, opAttrs, [dy, size]);
    } finally {
      size.dispose();
    }
  };
  return { kernelName, backendName: "tensorflow", kernelFunc: kernelFunc as unknown as KernelFunc };
}
