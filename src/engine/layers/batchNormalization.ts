import * as tf from "@tensorflow/tfjs";
import { BatchNormTraining } from "../kernels/native/batchNorm";

/** The parts of tfjs-layers' BatchNormalization layer that its training pass reads. */
interface BatchNormalizationLayer {
  axis: number;
  epsilon: number;
  momentum: number;
  center: boolean;
  scale: boolean;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
}

type Call = (
  this: BatchNormalizationLayer,
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: { training?: boolean },
) => tf.Tensor | tf.Tensor[];

let installed = false;

/**
 * Makes `tf.layers.batchNormalization`'s training pass one batch norm kernel (and one for its gradient) wherever
 * the active backend has cnnlab's BatchNormTraining kernel, instead of tfjs's ~30 kernels for moments,
 * normalisation and their gradients (half of a training step of a small VGG-style net). Same arithmetic as the
 * layer's own: batch mean and biased variance over all axes but the last, moving averages updated with the layer's
 * momentum. Other cases (inference, a channel axis that is not last, no scale or centre, other backends) run the
 * layer's own code. Called by the engine when it registers the native kernels; idempotent.
 */
export function fuseBatchNormalizationTraining(): void {
  if (installed) return;
  installed = true;
  const prototype = Object.getPrototypeOf(tf.layers.batchNormalization({})) as { call: Call };
  const layerCall = prototype.call;
  prototype.call = function (this: BatchNormalizationLayer, inputs, kwargs) {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const lastAxis = this.axis === -1 || this.axis === input.rank - 1;
    if (
      kwargs?.training !== true ||
      !lastAxis ||
      !this.center ||
      !this.scale ||
      input.rank < 2 ||
      input.dtype !== "float32" ||
      tf.getKernel(BatchNormTraining, tf.getBackend()) === undefined
    ) {
      return layerCall.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const [normalised, mean, variance] = tf
        .engine()
        .runKernel(
          BatchNormTraining,
          { x: input, scale: this.gamma.read(), offset: this.beta.read() },
          { epsilon: this.epsilon },
        ) as tf.Tensor[];
      for (const [average, value] of [
        [this.movingMean, mean],
        [this.movingVariance, variance],
      ] as const) {
        tf.tidy(() => {
          const current = average.read();
          average.write(tf.sub(current, tf.mul(tf.sub(current, value), 1 - this.momentum)));
        });
      }
      return normalised;
    });
  };
}
