import { Tensor } from "@tensorflow/tfjs-core";
import { defaultColumns, ImageGrid, ImageOptions } from "./imageGrid";
import { GridTile } from "./render/imageGrid";
import { statistics, formatNumber } from "./render/statistics";
import { expectNonEmpty, expectRank, readTensor, TensorData } from "./tensorData";
import { imageRange, dataRange } from "./valueRange";

/** Options of {@link showImages}. */
export interface ShowImagesOptions extends ImageOptions {
  /** One label per image, drawn under it (e.g. "7" or "pred 7 / true 1"). */
  labels?: string[];
  /** One CSS colour per label, e.g. "green" when a prediction is right and "red" when it is wrong. */
  colors?: string[];
  /** Images per row. */
  columns?: number;
  /** At most this many images are drawn (default 64); the rest are counted in a note. */
  maxImages?: number;
}

/**
 * Draws a batch of images as a grid, optionally with a label under each (coloured, e.g. right / wrong).
 *
 * @param images - `[n, h, w, c]` with c = 1 (grey) or 3 (RGB), or `[n, h, w]`. Values in [0, 1] or [0, 255] are
 *   drawn as they are; other data is stretched from its min to its max.
 *
 * @example
 * ```ts
 * showImages(xs.slice(0, 16), { labels: predicted.map(String), colors: right.map((r) => (r ? "green" : "red")) })
 * ```
 */
export function showImages(images: Tensor, options: ShowImagesOptions = {}): ImageGrid {
  const data = readTensor(images, "showImages");
  expectRank(data, [3, 4], "showImages", "[n,h,w,c] or [n,h,w]");
  expectNonEmpty(data, "showImages");
  return imageBatchGrid(data, options);
}

/** The grid for an image batch already read from a tensor (also used by show() for rank-4 image batches). */
export function imageBatchGrid(data: TensorData, options: ShowImagesOptions): ImageGrid {
  const [count, height, width] = data.shape;
  const channels = data.shape.length === 4 ? data.shape[3] : 1;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new RangeError(
      `showImages() draws 1-channel (grey) or 3-channel (RGB) images; got ${channels} channels ` +
        `[${data.shape.join(",")}]. For the channels of a layer's output use showFeatureMaps()`,
    );
  }
  const { labels, colors } = options;
  if (labels !== undefined && labels.length !== count) {
    throw new RangeError(`showImages(): labels has ${labels.length} entries but there are ${count} images`);
  }
  if (colors !== undefined && colors.length !== count) {
    throw new RangeError(`showImages(): colors has ${colors.length} entries but there are ${count} images`);
  }
  const stats = statistics(data.values);
  const colormap = options.colormap === undefined || options.colormap === "auto" ? "grey" : options.colormap;
  const range = options.range ?? (colormap === "grey" ? imageRange(stats) : dataRange(stats, colormap));
  const shown = Math.min(count, Math.max(1, options.maxImages ?? 64));
  const size = height * width * channels;
  const tiles: GridTile[] = [];
  for (let i = 0; i < shown; i++) {
    tiles.push({
      raster: { height, width, channels, values: data.values.subarray(i * size, (i + 1) * size) },
      range,
      label: labels?.[i],
      labelColor: colors?.[i],
    });
  }
  const note = shown < count ? `showing ${shown} of ${count} images` : undefined;
  const shownLabels = labels ? `; labels ${labels.slice(0, 20).join(", ")}${labels.length > 20 ? ", …" : ""}` : "";
  return new ImageGrid({
    tiles,
    columns: options.columns ?? defaultColumns(shown),
    colormap,
    colorbar: options.colorbar && channels === 1 ? range : undefined,
    title: options.title,
    note,
    scale: options.scale,
    text:
      `${options.title ? options.title + ": " : ""}${count} image${count === 1 ? "" : "s"} ${height}×${width}×${channels}` +
      `, drawn range [${formatNumber(range[0])}, ${formatNumber(range[1])}]` +
      (note ? ` (${note})` : "") +
      shownLabels,
  });
}
