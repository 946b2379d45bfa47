/** Summary statistics of numeric data, computed over the finite values; NaN and ±Infinity are counted apart. */
export interface Statistics {
  count: number;
  finiteCount: number;
  nanCount: number;
  infinityCount: number;
  /** NaN when there is no finite value. */
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
}

/** Statistics of `values`; one pass, no allocation. */
export function statistics(values: ArrayLike<number>): Statistics {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumOfSquares = 0;
  let finiteCount = 0;
  let nanCount = 0;
  let infinityCount = 0;
  // Shift by the first finite value so the variance of data far from 0 keeps its precision.
  let shift = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      nanCount++;
      continue;
    }
    if (!Number.isFinite(v)) {
      infinityCount++;
      continue;
    }
    if (Number.isNaN(shift)) shift = v;
    const d = v - shift;
    finiteCount++;
    sum += d;
    sumOfSquares += d * d;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (finiteCount === 0) {
    return { count: values.length, finiteCount, nanCount, infinityCount, min: NaN, max: NaN, mean: NaN, std: NaN };
  }
  const meanOfShifted = sum / finiteCount;
  const variance = Math.max(0, sumOfSquares / finiteCount - meanOfShifted * meanOfShifted);
  return {
    count: values.length,
    finiteCount,
    nanCount,
    infinityCount,
    min,
    max,
    mean: shift + meanOfShifted,
    std: Math.sqrt(variance),
  };
}

/**
 * An integer with its thousands grouped, "60,850": parameter counts, multiply-adds, image counts. The one grouping
 * every table and summary uses, so the same count reads the same everywhere.
 */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/**
 * A size in bytes in the largest unit under 1024 of it, 1024-based: "12 B", "381.5 MiB", "9.3 GiB"; from GiB up with
 * `largeUnitDigits` decimals (a model summary gives two, "9.31 GiB"). Model summaries and the memory cap's errors.
 */
export function formatBytes(bytes: number, largeUnitDigits = 1): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(unit >= 3 ? largeUnitDigits : 1)} ${units[unit]}`;
}

/** A short, readable number: 4 significant digits, no trailing zeros, exponent only for very large/small values. */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Inf" : "-Inf";
  if (value === 0) return "0";
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(Math.max(0, digits - 2));
  return String(Number(value.toPrecision(digits)));
}
