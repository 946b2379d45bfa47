import * as tf from "@tensorflow/tfjs";

/** The parts of tfjs-layers' Conv2D layer that its forward pass reads. */
interface Conv2DLayer {
  rank: number;
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

type Call = (
  this: Conv2DLayer,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: { training?: boolean },
) => tf.Tensor | tf.Tensor[];

let installed = false;

/**
 * In training, `tf.layers.conv2d` computes conv → bias → activation as separate ops instead of tfjs's fused
 * convolution. The fused op's gradient computes the input gradient whether or not anything needs it — for the first
 * layer of a net (whose input is the data) that is the most expensive kernel of its backward pass: 0.86 ms of a
 * ~17 ms training step of a small VGG-style net, and more on wasm. The plain ops' gradients are computed only where
 * the loss needs them, and dilated layers can be trained (gradients/conv2dGradient.ts; tfjs's fused convolution
 * refuses them). Same arithmetic; undilated inference and channels-first data keep the layer's own code. Idempotent.
 */
export function skipUnneededConvolutionGradients(): void {
  if (installed) return;
  installed = true;
  const prototype = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })) as { call: Call };
  const layerCall = prototype.call;
  prototype.call = function (this: Conv2DLayer, inputs, kwargs) {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    // tfjs convolves with dilation only at stride 1; other combinations keep the layer's own code and its error.
    const dilated = this.dilationRate.some((rate) => rate !== 1);
    // Dilated layers take the plain ops in inference too: a training loop that calls model.predict inside
    // optimizer.minimize differentiates the inference pass, and the fused op has no dilated gradient.
    const plainCase =
      (kwargs?.training === true || dilated) &&
      this.rank === 2 &&
      input.rank === 4 &&
      this.dataFormat === "channelsLast" &&
      (this.padding === "same" || this.padding === "valid") &&
      (!dilated || this.strides.every((stride) => stride === 1));
    if (!plainCase) return layerCall.call(this, inputs, kwargs);
    return tf.tidy(() => {
      let output: tf.Tensor = tf.conv2d(
        input as tf.Tensor4D,
        this.kernel.read() as tf.Tensor4D,
        this.strides as [number, number],
        this.padding as "same" | "valid",
        "NHWC",
        this.dilationRate as [number, number],
      );
      if (this.bias !== null) output = tf.add(output, this.bias.read());
      return this.activation !== null ? this.activation.apply(output) : output;
    });
  };
}
