import * as tf from "@tensorflow/tfjs-core";

/** Attributes tfjs passes to both gradient kernels of a depthwise convolution. */
export interface DepthwiseGradAttributes {
  strides: [number, number] | number;
  /** null from tfjs-layers means 1. */
  dilations: [number, number] | number | null;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/**
 * Calls `visit(xOffset, dyOffset, filterOffset)` for every (input pixel, output pixel, filter tap) triple a depthwise
 * convolution multiplies, with offsets to the first channel of each; channel c and multiplier q sit at xOffset + c,
 * dyOffset + c·multiplier + q and filterOffset + c·multiplier + q. Both gradients are sums over exactly these triples.
 */
export function forEachDepthwiseTap(
  info: tf.backend_util.Conv2DInfo,
  visit: (xOffset: number, dyOffset: number, filterOffset: number) => void,
): void {
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels,
    outHeight,
    outWidth,
    outChannels,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    filterHeight,
    filterWidth,
  } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh * dilationHeight - padTop;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw * dilationWidth - padLeft;
            if (iw < 0 || iw >= inWidth) continue;
            visit(((b * inHeight + ih) * inWidth + iw) * inChannels, dyOffset, (kh * filterWidth + kw) * outChannels);
          }
        }
      }
    }
  }
}
