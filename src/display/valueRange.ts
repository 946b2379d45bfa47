import { ColormapName } from "./render/colormap";
import { Statistics } from "./render/statistics";

/** True when data has values on both sides of 0, so a diverging map centred on 0 says the most. */
export function isSigned(stats: Statistics): boolean {
  return stats.finiteCount > 0 && stats.min < 0 && stats.max > 0;
}

/**
 * The range to draw an image in: [0, 1] or [0, 255] when the data already lies in one of these (so a dark image
 * stays dark), else the data's own min and max.
 */
export function imageRange(stats: Statistics): [number, number] {
  if (stats.finiteCount === 0) return [0, 1];
  if (stats.min >= 0 && stats.max <= 1) return [0, 1];
  if (stats.min >= 0 && stats.max <= 255 && stats.max > 1) return [0, 255];
  return [stats.min, stats.max];
}

/** Range for data drawn through a colour map: symmetric around 0 for the diverging map, else min..max. */
export function dataRange(stats: Statistics, colormap: ColormapName): [number, number] {
  if (stats.finiteCount === 0) return colormap === "diverging" ? [-1, 1] : [0, 1];
  if (colormap === "diverging") {
    const extent = Math.max(Math.abs(stats.min), Math.abs(stats.max)) || 1;
    return [-extent, extent];
  }
  return [stats.min, stats.max];
}

/** Resolves "auto": diverging for signed data, otherwise `unsignedDefault`. */
export function chooseColormap(
  requested: ColormapName | "auto" | undefined,
  stats: Statistics,
  unsignedDefault: ColormapName,
): ColormapName {
  if (requested !== undefined && requested !== "auto") return requested;
  return isSigned(stats) ? "diverging" : unsignedDefault;
}
