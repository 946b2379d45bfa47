import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { arrayHost, ArrayHost, KernelBackendName } from "./arrayHost";

/** Attributes tfjs passes to Conv2DBackpropFilter (the filter gradient of conv2d). */
interface Conv2DBackpropFilterAttributes {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  filterShape: [number, number, number, number];
}

/**
 * Conv2DBackpropFilter: dW[kh,kw,ci,co] = Σ over b,oh,ow of x[b, oh·sh + kh − padTop, ow·sw + kw − padLeft, ci] ·
 * dy[b,oh,ow,co]. The stock wasm backend has no such kernel (model.fit on a conv net throws) and the stock cpu
 * kernel reads every element through TensorBuffer.get (92% of a LeNet training step).
 */
export function conv2dBackpropFilterConfig(backendName: KernelBackendName): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const host = arrayHost(backendName, args.backend);
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attributes = args.attrs as unknown as Conv2DBackpropFilterAttributes;
    if (attributes.dataFormat === "NCHW") {
      throw new Error(
        "cnnlab engine: Conv2DBackpropFilter supports channels-last (NHWC) tensors only; use dataFormat 'channelsLast'",
      );
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      attributes.filterShape,
      attributes.strides,
      1,
      attributes.pad,
      attributes.dimRoundingMode,
    );
    return backendName === "wasm"
      ? filterGradientByConvolution(host, x, dy, info)
      : filterGradientByLoops(host, x, dy, info);
  };
  return { kernelName: tf.Conv2DBackpropFilter, backendName, kernelFunc: kernelFunc as unknown as KernelFunc };
}

/**
 * The filter gradient as one forward convolution, so XNNPACK does the arithmetic: swap the roles of batch and
 * channels. With x' = x transposed to [ci, h, w, b] and the "filter" dy' = dy transposed to [oh, ow, b, co],
 * conv2d(x', dy', stride 1, dilation = forward stride) gives out[ci, kh, kw, co] = Σ x'[ci, kh + oh·sh − padTop, ...]
 * · dy'[oh, ow, b, co], which is dW with its axes permuted.
 */
function filterGradientByConvolution(
  host: ArrayHost,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const {
    filterHeight,
    filterWidth,
    inChannels,
    outChannels,
    outHeight,
    outWidth,
    inHeight,
    inWidth,
    strideHeight,
    strideWidth,
  } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Padding that makes the output exactly filterHeight × filterWidth; when the forward stride skipped the last rows
  // or columns this is negative, so pad with 0 and drop the extra outputs below.
  const padBottom = Math.max(0, filterHeight + (outHeight - 1) * strideHeight - inHeight - padTop);
  const padRight = Math.max(0, filterWidth + (outWidth - 1) * strideWidth - inWidth - padLeft);

  const xTransposed = host.run(tf.Transpose, { x }, { perm: [3, 1, 2, 0] });
  const dyTransposed = host.run(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] });
  const convolved = host.run(
    tf.Conv2D,
    { x: xTransposed, filter: dyTransposed },
    {
      strides: [1, 1],
      dilations: [strideHeight, strideWidth],
      pad: [
        [0, 0],
        [padTop, padBottom],
        [padLeft, padRight],
        [0, 0],
      ],
      dataFormat: "NHWC",
    },
  );
  host.dispose(xTransposed);
  host.dispose(dyTransposed);

  const result = host.allocate([filterHeight, filterWidth, inChannels, outChannels], "float32");
  const source = host.values(convolved);
  const target = host.values(result);
  const [, convolvedHeight, convolvedWidth] = convolved.shape;
  // [ci, kh', kw', co] -> [kh, kw, ci, co], keeping only the first filterHeight × filterWidth positions.
  for (let ci = 0; ci < inChannels; ci++) {
    for (let kh = 0; kh < filterHeight; kh++) {
      for (let kw = 0; kw < filterWidth; kw++) {
        const from = ((ci * convolvedHeight + kh) * convolvedWidth + kw) * outChannels;
        const to = ((kh * filterWidth + kw) * inChannels + ci) * outChannels;
        for (let co = 0; co < outChannels; co++) target[to + co] = source[from + co];
      }
    }
  }
  host.dispose(convolved);
  return result;
}

/** The filter gradient in plain typed-array loops; the innermost loop runs over contiguous output channels. */
function filterGradientByLoops(
  host: ArrayHost,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const {
    batchSize,
    filterHeight,
    filterWidth,
    inChannels,
    outChannels,
    outHeight,
    outWidth,
    inHeight,
    inWidth,
    strideHeight,
    strideWidth,
  } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const result = host.allocate([filterHeight, filterWidth, inChannels, outChannels], "float32");
  const input = host.values(x);
  const gradient = host.values(dy);
  const filterGradient = host.values(result);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - padTop;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw - padLeft;
            if (iw < 0 || iw >= inWidth) continue;
            const xOffset = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wOffset = (kh * filterWidth + kw) * inChannels * outChannels;
            for (let ci = 0; ci < inChannels; ci++) {
              const value = input[xOffset + ci];
              if (value === 0) continue;
              const row = wOffset + ci * outChannels;
              for (let co = 0; co < outChannels; co++) filterGradient[row + co] += value * gradient[dyOffset + co];
            }
          }
        }
      }
    }
  }
  return result;
}
