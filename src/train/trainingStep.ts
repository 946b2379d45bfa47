import * as tf from "@tensorflow/tfjs";
import { backendInfo, NativeTrainingStep, type StepOutcome } from "../engine";
import { crossEntropy } from "./metrics";

/** One gradient step on a batch, and the native step when it is the one that runs (batch-norm re-estimation uses it). */
export interface TrainingStep {
  run(batch: { xs: tf.Tensor; ys: tf.Tensor }): Promise<StepOutcome>;
  native: NativeTrainingStep | undefined;
}

/**
 * The whole step in one native call where the engine and the network allow it (a chain of common layers, Adam or
 * SGD); otherwise tfjs computes it layer by layer. Both update the same variables, in the optimiser's order.
 */
export function trainingStep(model: tf.LayersModel, optimizer: tf.Optimizer, quiet: boolean): TrainingStep {
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const compiled = NativeTrainingStep.compile(model, optimizer, variables);
  if (compiled.ok) {
    const native = compiled.step;
    return { run: async (batch) => native.run(batch.xs, batch.ys), native };
  }
  // Said once, so a student whose own net trains several times slower than the lesson's knows why.
  if (backendInfo()?.name === "native" && !quiet) {
    console.log(
      `train: ${compiled.why}, so this network trains layer by layer (slower than the whole step in one native call)`,
    );
  }
  return { run: (batch) => layerByLayerStep(model, optimizer, variables, batch), native: undefined };
}

/** One step through tfjs: the forward pass on the tape, its gradients, the optimiser's update. */
async function layerByLayerStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  batch: { xs: tf.Tensor; ys: tf.Tensor },
): Promise<StepOutcome> {
  let accuracy: tf.Scalar | undefined;
  const loss = optimizer.minimize(
    () => {
      const predictions = model.apply(batch.xs, { training: true }) as tf.Tensor2D;
      accuracy = tf.keep(
        tf.mean(tf.cast(tf.equal(tf.argMax(predictions, 1), tf.argMax(batch.ys, 1)), "float32")),
      ) as tf.Scalar;
      return crossEntropy(batch.ys as tf.Tensor2D, predictions);
    },
    true,
    variables,
  ) as tf.Scalar;
  try {
    return { loss: (await loss.data())[0], accuracy: (await accuracy!.data())[0] };
  } finally {
    tf.dispose([loss, accuracy!]);
  }
}
