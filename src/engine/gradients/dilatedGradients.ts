import * as tf from "@tensorflow/tfjs-core";
import type { NamedAttrMap, Tensor, Tensor4D } from "@tensorflow/tfjs-core";
import { kernelTakesDilations } from "../kernels/dilationAware";

/** The two gradient kernels of a convolution: Conv2DBackpropInput/Filter or their depthwise twins. */
export interface GradientKernels {
  input: string;
  filter: string;
}

/**
 * The input and filter gradients of a (possibly dilated) convolution y = conv(x, filter). A convolution with
 * dilation d equals one with dilation 1 and the filter spread out, d − 1 zeros between its taps: on backends whose
 * gradient kernels know only dilation 1, both gradients come from that spread filter, and the filter's gradient is
 * every d-th tap of the spread one (for rate d up to d² times the arithmetic). Where the engine's kernels take the
 * dilation themselves (kernels/dilationAware.ts) they get it directly. Channels-last only.
 */
export function dilatedGradients(
  kernels: GradientKernels,
  { x, filter, dy }: { x: Tensor4D; filter: Tensor4D; dy: Tensor4D },
  dilations: number | [number, number] | null | undefined,
  attrs: Record<string, unknown>,
): { x: () => Tensor; filter: () => Tensor } {
  const [dilationHeight, dilationWidth] =
    typeof dilations === "number" ? [dilations, dilations] : (dilations ?? [1, 1]);
  const dilated = dilationHeight > 1 || dilationWidth > 1;
  const direct = !dilated || (kernelTakesDilations(kernels.input) && kernelTakesDilations(kernels.filter));
  const kernelAttrs = { ...attrs, dilations: dilated && direct ? [dilationHeight, dilationWidth] : [1, 1] };
  const run = (name: string, inputs: Record<string, Tensor>, extra: Record<string, unknown>): Tensor =>
    tf.engine().runKernel(name, inputs, { ...kernelAttrs, ...extra } as unknown as NamedAttrMap) as Tensor;
  return {
    x: () =>
      run(
        kernels.input,
        { dy, filter: direct ? filter : spreadFilter(filter, dilationHeight, dilationWidth) },
        { inputShape: x.shape },
      ),
    filter: () => {
      if (direct) return run(kernels.filter, { x, dy }, { filterShape: filter.shape });
      const shape = spreadShape(filter.shape, dilationHeight, dilationWidth);
      const full = run(kernels.filter, { x, dy }, { filterShape: shape });
      return tf.stridedSlice(full, [0, 0, 0, 0], shape, [dilationHeight, dilationWidth, 1, 1]);
    },
  };
}

function spreadShape(
  [height, width, inChannels, outChannels]: number[],
  dilationHeight: number,
  dilationWidth: number,
): [number, number, number, number] {
  return [(height - 1) * dilationHeight + 1, (width - 1) * dilationWidth + 1, inChannels, outChannels];
}

/** The filter with d − 1 zero rows (columns) after each tap but the last: the dilated filter as a dense one. */
function spreadFilter(filter: Tensor4D, dilationHeight: number, dilationWidth: number): Tensor4D {
  const [height, width, inChannels, outChannels] = filter.shape;
  // One axis at a time keeps every tensor at rank ≤ 5, which every backend's Pad handles.
  const rows = tf.reshape(
    tf.pad(tf.reshape(filter, [height, 1, width * inChannels * outChannels]), [
      [0, 0],
      [0, dilationHeight - 1],
      [0, 0],
    ]),
    [height * dilationHeight, width, inChannels, outChannels],
  );
  const rowsKept = tf.slice(rows, [0, 0, 0, 0], [(height - 1) * dilationHeight + 1, width, inChannels, outChannels]);
  const keptHeight = rowsKept.shape[0];
  const columns = tf.reshape(
    tf.pad(tf.reshape(rowsKept, [keptHeight, width, 1, inChannels * outChannels]), [
      [0, 0],
      [0, 0],
      [0, dilationWidth - 1],
      [0, 0],
    ]),
    [keptHeight, width * dilationWidth, inChannels, outChannels],
  );
  return tf.slice(columns, [0, 0, 0, 0], spreadShape(filter.shape, dilationHeight, dilationWidth)) as Tensor4D;
}
