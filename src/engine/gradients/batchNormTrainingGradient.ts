import type { GradConfig, NamedAttrMap, Tensor } from "@tensorflow/tfjs-core";
import * as tf from "@tensorflow/tfjs-core";
import { BatchNormTraining, BatchNormTrainingGradient } from "../kernels/native/batchNorm";

/**
 * Gradient of cnnlab's training-mode batch norm kernel, through the batch mean and variance as well as directly:
 * dx = scale/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)), dScale = Σ dy · x̂, dOffset = Σ dy. The mean and variance
 * outputs only feed the moving averages, which no loss depends on, so their gradients are not used.
 */
export const batchNormTrainingGradient: GradConfig = {
  kernelName: BatchNormTraining,
  inputsToSave: ["x", "scale"],
  outputsToSave: [false, true, true],
  gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [dy] = dys as Tensor[];
    const [x, scale, mean, variance] = saved;
    const [dx, dScale, dOffset] = tf
      .engine()
      .runKernel(BatchNormTrainingGradient, { dy, x, scale, mean, variance }, attrs) as Tensor[];
    return { x: () => dx, scale: () => dScale, offset: () => dOffset };
  },
};
