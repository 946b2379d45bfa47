import { Tensor } from "@tensorflow/tfjs-core";

/** A snapshot of a tensor's values, taken when it is shown (so disposing the tensor later is safe). */
export interface TensorData {
  shape: number[];
  dtype: string;
  values: Float32Array | Int32Array | Uint8Array;
}

/** True for tfjs tensors, also from another copy of tfjs-core (checked by shape, not by class). */
export function isTensor(value: unknown): value is Tensor {
  if (value instanceof Tensor) return true;
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Partial<Tensor>;
  return (
    Array.isArray(candidate.shape) && typeof candidate.dtype === "string" && typeof candidate.dataSync === "function"
  );
}

/** Describes a value for an error message: "a number", "an array of 3", "a Tensor of rank 5 [..]". */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (isTensor(value)) return `a ${value.dtype} tensor of rank ${value.rank} [${value.shape.join(",")}]`;
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return `a ${typeof value} (${String(value).slice(0, 40)})`;
}

/**
 * Reads a tensor's values synchronously. Throws a TypeError that names the fix when `value` is not a numeric
 * tensor or has been disposed.
 *
 * @param caller - the public function's name, for the error message.
 */
export function readTensor(value: unknown, caller: string): TensorData {
  if (!isTensor(value)) {
    throw new TypeError(`${caller}() expects a tf.Tensor, got ${describeValue(value)}; make one with tf.tensor(...)`);
  }
  if (value.isDisposed) {
    throw new Error(`${caller}(): the tensor [${value.shape.join(",")}] was disposed; show it before disposing it`);
  }
  if (value.dtype === "string" || value.dtype === "complex64") {
    throw new TypeError(
      `${caller}() draws numbers; got a ${value.dtype} tensor. Convert it with tf.cast(x, "float32")`,
    );
  }
  const values = value.dataSync() as Float32Array | Int32Array | Uint8Array;
  return { shape: value.shape.slice(), dtype: value.dtype, values };
}

/** Throws a clear error unless `data` has one of the allowed ranks. */
export function expectRank(data: TensorData, ranks: number[], caller: string, layout: string): void {
  if (!ranks.includes(data.shape.length)) {
    throw new RangeError(
      `${caller}() expected a rank-${ranks.join(" or ")} tensor ${layout}, got rank ${data.shape.length} ` +
        `[${data.shape.join(",")}]` +
        (data.shape.length > Math.max(...ranks) ? "; pick a slice first, e.g. x.slice(...) or x.squeeze()" : ""),
    );
  }
}

/** Throws a clear error when the tensor has no values (a 0 in its shape): there is nothing to draw. */
export function expectNonEmpty(data: TensorData, caller: string): void {
  if (data.values.length === 0) {
    throw new RangeError(
      `${caller}(): the tensor [${data.shape.join(",")}] is empty (a 0 in its shape); nothing to draw`,
    );
  }
}
