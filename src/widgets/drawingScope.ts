import * as tf from "@tensorflow/tfjs-core";

/**
 * Runs one synchronous drawing so that the tensors it makes are freed, as `tf.tidy` would: an explorer draws again on
 * every change of a slider, and without this each drawing would leave its tensors behind. Tensors the drawing
 * returns survive until `release()`, which frees those it made (never one that existed before, such as an image
 * the lesson loaded).
 */
export function drawInScope<T>(draw: () => T): { value: T; release(): void } {
  const watermark = tf.scalar(0);
  const firstNewId = watermark.id;
  watermark.dispose();
  tf.engine().startScope();
  let value: T;
  try {
    value = draw();
  } catch (error) {
    tf.engine().endScope();
    throw error;
  }
  if (value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function") {
    tf.engine().endScope();
    throw new Error(
      "interact(): the drawing returned a promise, and the tensors it made before its first await were freed when it " +
        "returned. Make the drawing synchronous (read tensors with dataSync/arraySync), or pass { tidy: false } to " +
        "interact() and free its tensors yourself",
    );
  }
  const returned = tensorsIn(value);
  tf.engine().endScope(returned);
  return {
    value,
    release: () => tf.dispose(returned.filter((tensor) => tensor.id > firstNewId && !tensor.isDisposed)),
  };
}

/** The tensors a drawing returned: the value itself, or inside an array. */
function tensorsIn(value: unknown): tf.Tensor[] {
  if (value instanceof tf.Tensor) return [value];
  if (Array.isArray(value)) return value.filter((item): item is tf.Tensor => item instanceof tf.Tensor);
  return [];
}
