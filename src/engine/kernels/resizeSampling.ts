import type { KernelFunc, ResizeBilinearGradAttrs, TensorInfo } from "@tensorflow/tfjs-core";
import { arrayHost, KernelBackendName, Values } from "./arrayHost";

/** Where tfjs's forward resize kernels read each output row (or column) from, along one axis. */
export interface AxisSampling {
  /** Nearest-neighbour source index per output index. */
  nearest: Int32Array;
  /** Bilinear: the lower and upper source index and the weight of the upper one, per output index. */
  lower: Int32Array;
  upper: Int32Array;
  fraction: Float64Array;
}

/**
 * The source positions of a resize from `inSize` to `outSize` along one axis, computed exactly as tfjs's forward
 * ResizeBilinear and ResizeNearestNeighbor kernels do (align corners, half-pixel centres), so the gradient kernels
 * built on it are the exact adjoints of the forward ops.
 */
export function axisSampling(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): AxisSampling {
  const aligned = alignCorners && outSize > 1;
  const ratio = (aligned ? inSize - 1 : inSize) / (aligned ? outSize - 1 : outSize);
  const sampling: AxisSampling = {
    nearest: new Int32Array(outSize),
    lower: new Int32Array(outSize),
    upper: new Int32Array(outSize),
    fraction: new Float64Array(outSize),
  };
  for (let i = 0; i < outSize; i++) {
    const nearestSource = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(nearestSource) : Math.floor(nearestSource));
    sampling.nearest[i] = halfPixelCenters ? Math.max(0, nearest) : nearest;
    const bilinearSource = halfPixelCenters ? ratio * (i + 0.5) - 0.5 : ratio * i;
    const lower = Math.max(0, Math.floor(bilinearSource));
    sampling.lower[i] = lower;
    sampling.upper[i] = Math.min(inSize - 1, Math.ceil(bilinearSource));
    sampling.fraction[i] = bilinearSource - lower;
  }
  return sampling;
}

/** What both resize gradient kernels start from: the geometry, the sampling of each axis and a zeroed dx. */
export interface ResizeGradient {
  batch: number;
  inHeight: number;
  inWidth: number;
  channels: number;
  outHeight: number;
  outWidth: number;
  rows: AxisSampling;
  columns: AxisSampling;
  /** The result tensor, and views of dy's and dx's values (taken after dx was allocated). */
  dx: TensorInfo;
  gradient: Values;
  result: Values;
}

/** Reads a ResizeBilinearGrad or ResizeNearestNeighborGrad call (inputs images and dy; attributes as the forward op). */
export function resizeGradient(backendName: KernelBackendName, args: Parameters<KernelFunc>[0]): ResizeGradient {
  const host = arrayHost(backendName, args.backend);
  const { images, dy } = args.inputs as { images: TensorInfo; dy: TensorInfo };
  const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeBilinearGradAttrs;
  const [batch, inHeight, inWidth, channels] = images.shape;
  const [, outHeight, outWidth] = dy.shape;
  const dx = host.allocate(images.shape, "float32");
  return {
    batch,
    inHeight,
    inWidth,
    channels,
    outHeight,
    outWidth,
    rows: axisSampling(inHeight, outHeight, alignCorners, halfPixelCenters),
    columns: axisSampling(inWidth, outWidth, alignCorners, halfPixelCenters),
    dx,
    gradient: host.values(dy),
    result: host.values(dx),
  };
}
