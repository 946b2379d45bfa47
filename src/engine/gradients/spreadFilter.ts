import * as tf from "@tensorflow/tfjs-core";
import type { Tensor4D } from "@tensorflow/tfjs-core";

// A convolution with dilation d equals one with dilation 1 and the filter spread out, d − 1 zeros between its taps:
// the gradients of dilated convolutions (conv2dGradient.ts, depthwiseConv2dGradient.ts) are built on that.

/** The shape of a filter [height, width, ...] spread for the given dilations. */
export function spreadShape([height, width, inChannels, outChannels]: number[], dilationHeight: number, dilationWidth: number): [number, number, number, number] {
  return [(height - 1) * dilationHeight + 1, (width - 1) * dilationWidth + 1, inChannels, outChannels];
}

/** The filter with d − 1 zero rows (columns) after each tap but the last: the dilated filter as a dense one. */
export function spreadFilter(filter: Tensor4D, dilationHeight: number, dilationWidth: number): Tensor4D {
  const [height, width, inChannels, outChannels] = filter.shape;
  // One axis at a time keeps every tensor at rank ≤ 5, which every backend's Pad handles.
  const rows = tf.reshape(tf.pad(tf.reshape(filter, [height, 1, width * inChannels * outChannels]), [[0, 0], [0, dilationHeight - 1], [0, 0]]), [height * dilationHeight, width, inChannels, outChannels]);
  const rowsKept = tf.slice(rows, [0, 0, 0, 0], [(height - 1) * dilationHeight + 1, width, inChannels, outChannels]);
  const keptHeight = rowsKept.shape[0];
  const columns = tf.reshape(tf.pad(tf.reshape(rowsKept, [keptHeight, width, 1, inChannels * outChannels]), [[0, 0], [0, 0], [0, dilationWidth - 1], [0, 0]]), [keptHeight, width * dilationWidth, inChannels, outChannels]);
  return tf.slice(columns, [0, 0, 0, 0], spreadShape(filter.shape, dilationHeight, dilationWidth)) as Tensor4D;
}
