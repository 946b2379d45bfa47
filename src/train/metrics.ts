import * as tf from "@tensorflow/tfjs";
import { ImageDataset } from "../data";

/** Mean categorical cross-entropy of softmax outputs, clipped so a confident mistake gives a large finite loss. */
export function crossEntropy(labels: tf.Tensor2D, probabilities: tf.Tensor2D): tf.Scalar {
  return tf.tidy(
    () => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probabilities, 1e-7, 1))), 1))) as tf.Scalar,
  );
}

/**
 * Class probabilities for every example of a dataset, batch by batch ([count × classes], row-major), or undefined
 * when `signal` is aborted meanwhile.
 */
export async function predictAll(
  model: tf.LayersModel,
  data: ImageDataset,
  batchSize = 256,
  signal?: AbortSignal,
): Promise<Float32Array | undefined> {
  const classes = data.classes;
  const out = new Float32Array(data.count * classes);
  let offset = 0;
  for (const batch of data.batches(batchSize, { shuffle: false })) {
    const probabilities = tf.tidy(() => model.predict(batch.xs) as tf.Tensor);
    out.set((await probabilities.data()) as Float32Array, offset);
    offset += batch.labels.length * classes;
    tf.dispose([probabilities, batch.xs, batch.ys]);
    if (signal) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal.aborted) return undefined;
    }
  }
  return out;
}

/** Mean cross-entropy and accuracy over a dataset (undefined if interrupted). */
export async function evaluateLossAccuracy(
  model: tf.LayersModel,
  data: ImageDataset,
  batchSize = 256,
  signal?: AbortSignal,
): Promise<{ loss: number; accuracy: number } | undefined> {
  const probabilities = await predictAll(model, data, batchSize, signal);
  if (!probabilities) return undefined;
  const classes = data.classes;
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < data.count; i++) {
    const row = probabilities.subarray(i * classes, (i + 1) * classes);
    const label = data.label(i);
    loss -= Math.log(Math.min(1, Math.max(1e-7, row[label])));
    if (argMax(row) === label) correct++;
  }
  return { loss: loss / data.count, accuracy: correct / data.count };
}

/** Index of the largest value. */
export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
