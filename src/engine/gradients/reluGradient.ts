import * as tf from "@tensorflow/tfjs-core";
import type { GradConfig, Tensor } from "@tensorflow/tfjs-core";
import { ReluGradient } from "../kernels/native/relu";

/**
 * Gradient of Relu: dy where x > 0, else 0. One native pass where the active backend has cnnlab's ReLU gradient
 * kernel; elsewhere tfjs's own formula, dy · step(x).
 */
export const reluGradient: GradConfig = {
  kernelName: tf.Relu,
  inputsToSave: ["x"],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [x] = saved;
    const gradient = dy as Tensor;
    return {
      x: () =>
        tf.getKernel(ReluGradient, tf.getBackend()) !== undefined && gradient.dtype === "float32"
          ? (tf.engine().runKernel(ReluGradient, { dy: gradient, x }) as Tensor)
          : tf.mul(gradient, tf.cast(tf.step(x), "float32")),
    };
  },
};
