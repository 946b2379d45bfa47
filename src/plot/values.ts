import { Tensor } from "@tensorflow/tfjs-core";
import { describeValue, isTensor, readTensor } from "../display";

/** Numbers a plot accepts: an array, a typed array, or a tensor (flattened). */
export type Numbers = ArrayLike<number> | Tensor;

/** True for anything {@link toNumbers} accepts. */
export function isNumbers(value: unknown): value is Numbers {
  if (isTensor(value)) return true;
  if (ArrayBuffer.isView(value)) return true;
  return Array.isArray(value) && value.every((v) => typeof v === "number");
}

/** Plain numbers from an array, typed array or tensor; throws a clear error naming `what` otherwise. */
export function toNumbers(value: unknown, what: string): number[] {
  if (isTensor(value)) return Array.from(readTensor(value, what).values);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => typeof v !== "number");
    if (bad >= 0) throw new TypeError(`${what}: expected numbers, item ${bad} is ${describeValue(value[bad])}`);
    return value as number[];
  }
  throw new TypeError(`${what}: expected an array of numbers or a tensor, got ${describeValue(value)}`);
}

/** A matrix (rows of numbers) from number[][] or a rank-2 tensor. */
export function toMatrix(value: unknown, what: string): number[][] {
  if (isTensor(value)) {
    const data = readTensor(value, what);
    if (data.shape.length !== 2) {
      throw new RangeError(
        `${what} expected a rank-2 tensor [rows,columns], got rank ${data.shape.length} [${data.shape.join(",")}]`,
      );
    }
    const [rows, columns] = data.shape;
    return Array.from({ length: rows }, (_, r) => Array.from(data.values.subarray(r * columns, (r + 1) * columns)));
  }
  if (Array.isArray(value) && value.every((row) => isNumbers(row) && !isTensor(row))) {
    const rows = value.map((row, i) => toNumbers(row, `${what} row ${i}`));
    const width = rows[0]?.length ?? 0;
    if (rows.some((row) => row.length !== width)) throw new RangeError(`${what}: rows have different lengths`);
    return rows;
  }
  throw new TypeError(`${what} expected number[][] or a rank-2 tensor, got ${describeValue(value)}`);
}
