import { formatNumber, Statistics } from "./statistics";

/** Tensors with at most this many values have them printed; larger ones are summarised only. */
export const MAX_PRINTED_VALUES = 100;

/**
 * The text/plain summary of a tensor: shape, dtype, statistics, NaN/Inf counts, and the values when there are few.
 * Output size is bounded whatever the tensor's size.
 */
export function tensorText(
  shape: readonly number[],
  dtype: string,
  values: ArrayLike<number>,
  stats: Statistics,
  note?: string,
): string {
  const lines = [`Tensor ${dtype} [${shape.join(",")}] (${stats.count} value${stats.count === 1 ? "" : "s"})`];
  if (stats.count > 0) {
    lines.push(
      stats.finiteCount === 0
        ? "no finite values"
        : `min ${formatNumber(stats.min)}  max ${formatNumber(stats.max)}  ` +
            `mean ${formatNumber(stats.mean)}  std ${formatNumber(stats.std)}`,
    );
    lines.push(`NaN ${stats.nanCount}  Inf ${stats.infinityCount}`);
  }
  if (stats.count > 0 && stats.count <= MAX_PRINTED_VALUES) lines.push(nestedValues(shape, values));
  else if (stats.count > MAX_PRINTED_VALUES) lines.push(valueSample(values));
  if (note) lines.push(note);
  return lines.join("\n");
}

/** Values laid out as nested brackets, the way tfjs and NumPy print them. */
export function nestedValues(shape: readonly number[], values: ArrayLike<number>): string {
  const texts = Array.from({ length: values.length }, (_, i) => formatNumber(values[i]));
  const width = Math.max(0, ...texts.map((t) => t.length));
  const padded = texts.map((t) => t.padStart(width));
  if (shape.length === 0) return padded[0] ?? "";
  const build = (dimension: number, offset: number, indent: string): string => {
    const size = shape[dimension];
    if (dimension === shape.length - 1) {
      return "[" + padded.slice(offset, offset + size).join(", ") + "]";
    }
    const stride = shape.slice(dimension + 1).reduce((a, b) => a * b, 1);
    const parts: string[] = [];
    for (let i = 0; i < size; i++) parts.push(build(dimension + 1, offset + i * stride, indent + " "));
    const separator = ",\n" + (dimension < shape.length - 2 ? "\n" : "") + indent + " ";
    return "[" + parts.join(separator) + "]";
  };
  return build(0, 0, "");
}

/** The first and last few values (in memory order) of a tensor too large to print. */
function valueSample(values: ArrayLike<number>, count = 4): string {
  const first = Array.from({ length: count }, (_, i) => formatNumber(values[i]));
  const last = Array.from({ length: count }, (_, i) => formatNumber(values[values.length - count + i]));
  return `values (flattened) ${first.join(", ")}, …, ${last.join(", ")}`;
}
