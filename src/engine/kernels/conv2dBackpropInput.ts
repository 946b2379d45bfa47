import * as tf from "@tensorflow/tfjs-core";
import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { arrayHost } from "./arrayHost";

/** Attributes tfjs passes to Conv2DBackpropInput (the input gradient of conv2d, also conv2dTranspose). */
interface Conv2DBackpropInputAttributes {
  strides: [number, number] | number;
  pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
  dataFormat: "NHWC" | "NCHW";
  dimRoundingMode?: "floor" | "round" | "ceil";
  inputShape: [number, number, number, number];
}

/**
 * Conv2DBackpropInput for wasm as a forward XNNPACK convolution: dx = conv2d(dy with stride−1 zeros between its
 * pixels, the filter rotated 180° with in/out channels swapped, stride 1, padding filterSize − 1 − forward padding).
 * The stock wasm kernel is a scalar loop (with Tile, ~60% of a deep-net training step).
 *
 * @param stock the kernel it replaces, used for layouts this one does not cover (channels-first, padding larger
 *   than the filter).
 */
export function conv2dBackpropInputWasmConfig(stock: KernelConfig | undefined): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo => {
    const host = arrayHost("wasm", args.backend);
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attributes = args.attrs as unknown as Conv2DBackpropInputAttributes;
    const info = tf.backend_util.computeConv2DInfo(
      attributes.inputShape,
      filter.shape as [number, number, number, number],
      attributes.strides,
      1,
      attributes.pad,
      attributes.dimRoundingMode,
    );
    const {
      batchSize,
      filterHeight,
      filterWidth,
      inChannels,
      outChannels,
      inHeight,
      inWidth,
      outHeight,
      outWidth,
      strideHeight,
      strideWidth,
    } = info;
    const dilatedHeight = (outHeight - 1) * strideHeight + 1;
    const dilatedWidth = (outWidth - 1) * strideWidth + 1;
    const padTop = filterHeight - 1 - info.padInfo.top;
    const padLeft = filterWidth - 1 - info.padInfo.left;
    const padBottom = inHeight - dilatedHeight + info.padInfo.top;
    const padRight = inWidth - dilatedWidth + info.padInfo.left;
    if (attributes.dataFormat === "NCHW" || Math.min(padTop, padLeft, padBottom, padRight) < 0) {
      if (stock === undefined)
        throw new Error(
          "cnnlab engine: Conv2DBackpropInput supports channels-last (NHWC) tensors with padding smaller than the filter only",
        );
      return stock.kernelFunc(args) as TensorInfo;
    }

    // Filter [kh, kw, ci, co] -> rotated [filterHeight−1−kh, filterWidth−1−kw, co, ci].
    const rotated = host.allocate([filterHeight, filterWidth, outChannels, inChannels], "float32");
    let dilated: TensorInfo = dy;
    if (strideHeight > 1 || strideWidth > 1)
      dilated = host.allocate([batchSize, dilatedHeight, dilatedWidth, outChannels], "float32");
    const weights = host.values(filter);
    const rotatedValues = host.values(rotated);
    for (let kh = 0; kh < filterHeight; kh++) {
      for (let kw = 0; kw < filterWidth; kw++) {
        const from = (kh * filterWidth + kw) * inChannels * outChannels;
        const to = ((filterHeight - 1 - kh) * filterWidth + (filterWidth - 1 - kw)) * outChannels * inChannels;
        for (let ci = 0; ci < inChannels; ci++) {
          for (let co = 0; co < outChannels; co++)
            rotatedValues[to + co * inChannels + ci] = weights[from + ci * outChannels + co];
        }
      }
    }
    if (dilated !== dy) {
      const source = host.values(dy);
      const target = host.values(dilated);
      for (let b = 0; b < batchSize; b++) {
        for (let oh = 0; oh < outHeight; oh++) {
          for (let ow = 0; ow < outWidth; ow++) {
            const from = ((b * outHeight + oh) * outWidth + ow) * outChannels;
            const to = ((b * dilatedHeight + oh * strideHeight) * dilatedWidth + ow * strideWidth) * outChannels;
            target.set(source.subarray(from, from + outChannels), to);
          }
        }
      }
    }
    const dx = host.run(
      tf.Conv2D,
      { x: dilated, filter: rotated },
      {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [
          [0, 0],
          [padTop, padBottom],
          [padLeft, padRight],
          [0, 0],
        ],
        dataFormat: "NHWC",
      },
    );
    host.dispose(rotated);
    if (dilated !== dy) host.dispose(dilated);
    return dx;
  };
  return { kernelName: tf.Conv2DBackpropInput, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}
