import * as tf from "@tensorflow/tfjs-core";
import { AdamUpdate } from "../kernels/native/adam";

/** The parts of tfjs's AdamOptimizer that its update (and the native training step) reads and writes. */
export interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  incrementIterations(): void;
}

type ApplyGradients = (
  this: AdamState,
  gradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>,
) => void;

let installed = false;

/**
 * Makes `tf.train.adam`'s update one kernel per variable wherever the active backend has cnnlab's AdamUpdate
 * kernel (the native engine), instead of about thirteen. The same state as tfjs's own optimizer (moments as
 * variables named `<variable>/m` and `/v`, the accumulated betas), so getWeights/setWeights, saving and switching
 * engines mid-training keep working; elsewhere tfjs's own update runs. Idempotent.
 */
export function fuseAdamUpdates(): void {
  if (installed) return;
  installed = true;
  const prototype = tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients };
  const tfjsUpdate = prototype.applyGradients;
  prototype.applyGradients = function (this: AdamState, gradients) {
    if (tf.getKernel(AdamUpdate, tf.getBackend()) === undefined) return tfjsUpdate.call(this, gradients);
    const names = Array.isArray(gradients) ? gradients.map((entry) => entry.name) : Object.keys(gradients);
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        const gradient = Array.isArray(gradients) ? gradients[i].tensor : gradients[name];
        // Moments are made even for a variable without a gradient, as tfjs does, so their indices stay aligned.
        this.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        this.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        if (gradient == null) return;
        const firstMoment = this.accumulatedFirstMoment[i]!.variable;
        const secondMoment = this.accumulatedSecondMoment[i]!.variable;
        if (value.dtype !== "float32" || gradient.dtype !== "float32") {
          throw new Error(
            `Adam: variable ${name} is ${value.dtype} with a ${gradient.dtype} gradient; only float32 variables can be trained`,
          );
        }
        const [newValue, newFirstMoment, newSecondMoment] = tf.engine().runKernel(
          AdamUpdate,
          {
            value,
            firstMoment,
            secondMoment,
            gradient,
            accumulatedBeta1: this.accBeta1,
            accumulatedBeta2: this.accBeta2,
          },
          { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon },
        ) as tf.Tensor[];
        firstMoment.assign(newFirstMoment);
        secondMoment.assign(newSecondMoment);
        value.assign(newValue);
      });
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  };
}
