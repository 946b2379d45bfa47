import * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-layers' DepthwiseConv2D layer that its forward pass and output shape read. */
interface DepthwiseConv2DLayer {
  depthwiseKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  kernelSize: number[];
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  depthMultiplier: number;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

type Call = (
  this: DepthwiseConv2DLayer,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: Record<string, unknown>,
) => tf.Tensor | tf.Tensor[];
type OutputShape = (this: DepthwiseConv2DLayer, inputShape: tf.Shape | tf.Shape[]) => tf.Shape | tf.Shape[];

let installed = false;

/**
 * `tf.layers.depthwiseConv2d` accepts `dilationRate` and reports it in its config, but computes an undilated
 * convolution ("TODO: Add support for dilation" in tfjs-layers): the model trains, `summary()` shows the dilated
 * receptive field, and the layer silently sees less. This makes dilated depthwise layers convolve with their
 * dilation and report the matching output shape, as Keras does; undilated layers keep the layer's own code.
 * Idempotent.
 */
export function applyDepthwiseDilation(): void {
  if (installed) return;
  installed = true;
  const prototype = Object.getPrototypeOf(tf.layers.depthwiseConv2d({ kernelSize: 1 })) as {
    call: Call;
    computeOutputShape: OutputShape;
  };
  const layerCall = prototype.call;
  const layerOutputShape = prototype.computeOutputShape;
  prototype.call = function (this: DepthwiseConv2DLayer, inputs, kwargs) {
    if (this.dilationRate.every((rate) => rate === 1)) return layerCall.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const channelsFirst = this.dataFormat === "channelsFirst";
      let input = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      if (input.rank !== 4)
        throw new Error(
          `depthwiseConv2d: expected a rank-4 input [batch, height, width, channels], got rank ${input.rank}`,
        );
      if (channelsFirst) input = tf.transpose(input, [0, 2, 3, 1]);
      let output: tf.Tensor = tf.depthwiseConv2d(
        input,
        this.depthwiseKernel.read() as tf.Tensor4D,
        this.strides as [number, number],
        this.padding as "same" | "valid",
        "NHWC",
        this.dilationRate as [number, number],
      );
      if (this.bias !== null) output = tf.add(output, this.bias.read());
      if (this.activation !== null) output = this.activation.apply(output);
      return channelsFirst ? tf.transpose(output, [0, 3, 1, 2]) : output;
    });
  };
  prototype.computeOutputShape = function (this: DepthwiseConv2DLayer, inputShape) {
    if (this.dilationRate.every((rate) => rate === 1)) return layerOutputShape.call(this, inputShape);
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channelsFirst = this.dataFormat === "channelsFirst";
    const [rows, columns] = channelsFirst ? [shape[2], shape[3]] : [shape[1], shape[2]];
    const channels = channelsFirst ? shape[1] : shape[3];
    const outRows = outputLength(rows, this.kernelSize[0], this.padding, this.strides[0], this.dilationRate[0]);
    const outColumns = outputLength(columns, this.kernelSize[1], this.padding, this.strides[1], this.dilationRate[1]);
    const outChannels = channels === null ? null : channels * this.depthMultiplier;
    return channelsFirst ? [shape[0], outChannels, outRows, outColumns] : [shape[0], outRows, outColumns, outChannels];
  };
}

/** Output length of a strided, dilated window along one axis, as Keras computes it. */
function outputLength(
  length: number | null,
  kernel: number,
  padding: string,
  stride: number,
  dilation: number,
): number | null {
  if (length === null) return null;
  const span = kernel + (kernel - 1) * (dilation - 1);
  const covered = padding === "same" ? length : length - span + 1;
  return Math.floor((covered + stride - 1) / stride);
}
