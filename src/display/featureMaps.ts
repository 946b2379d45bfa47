import { Tensor } from "@tensorflow/tfjs-core";
import { defaultColumns, ImageGrid, ImageOptions } from "./imageGrid";
import { GridTile } from "./render/imageGrid";
import { channelOf } from "./render/sampling";
import { formatNumber, statistics } from "./render/statistics";
import { expectNonEmpty, expectRank, readTensor, TensorData } from "./tensorData";
import { chooseColormap, dataRange } from "./valueRange";

/** Options of {@link showFeatureMaps}. */
export interface ShowFeatureMapsOptions extends ImageOptions {
  /** Maps per row. */
  columns?: number;
  /** At most this many maps (default 64). */
  maxMaps?: number;
  /** Which example of a batch to draw (default 0). */
  index?: number;
  /** One colour range for all maps (default true: shows which channels respond most); false stretches each map. */
  sharedRange?: boolean;
  /** Labels under the maps; default the channel number. */
  labels?: string[];
}

/**
 * Draws the channels of a layer's output as a grid of feature maps, one tile per channel, labelled with the channel
 * number. Non-negative activations (after ReLU) use viridis, signed ones the diverging map centred on 0.
 *
 * @param maps - `[h, w, c]`, or `[n, h, w, c]` (draws example `index`, default 0).
 */
export function showFeatureMaps(maps: Tensor, options: ShowFeatureMapsOptions = {}): ImageGrid {
  const data = readTensor(maps, "showFeatureMaps");
  expectRank(data, [3, 4], "showFeatureMaps", "[h,w,c] or [n,h,w,c]");
  expectNonEmpty(data, "showFeatureMaps");
  return featureMapGrid(data, options);
}

/** The feature-map grid for data already read from a tensor (also used by show()). */
export function featureMapGrid(data: TensorData, options: ShowFeatureMapsOptions): ImageGrid {
  let notes: string[] = [];
  let example = data;
  if (data.shape.length === 4) {
    const [count, height, width, channels] = data.shape;
    const index = options.index ?? 0;
    if (!(Number.isInteger(index) && index >= 0 && index < count)) {
      throw new RangeError(`showFeatureMaps(): index must be an integer in 0..${count - 1}, got ${index}`);
    }
    const size = height * width * channels;
    example = {
      shape: [height, width, channels],
      dtype: data.dtype,
      values: data.values.subarray(index * size, (index + 1) * size),
    };
    if (count > 1) notes.push(`example ${index} of ${count}`);
  }
  const [height, width, channels] = example.shape;
  if (options.labels !== undefined && options.labels.length !== channels) {
    throw new RangeError(
      `showFeatureMaps(): labels has ${options.labels.length} entries but there are ${channels} maps`,
    );
  }
  const stats = statistics(example.values);
  const colormap = chooseColormap(options.colormap, stats, "viridis");
  const shared = options.sharedRange ?? true;
  const sharedRange = options.range ?? dataRange(stats, colormap);
  const shown = Math.min(channels, Math.max(1, options.maxMaps ?? 64));
  const tiles: GridTile[] = [];
  for (let c = 0; c < shown; c++) {
    const raster = channelOf({ height, width, channels, values: example.values }, c);
    const range = shared ? sharedRange : (options.range ?? dataRange(statistics(raster.values), colormap));
    tiles.push({ raster, range, label: options.labels?.[c] ?? String(c) });
  }
  if (shown < channels) notes.push(`showing ${shown} of ${channels} maps`);
  if (!shared) notes.push("each map stretched to its own range");
  notes = notes.filter(Boolean);
  return new ImageGrid({
    tiles,
    columns: options.columns ?? defaultColumns(shown),
    colormap,
    colorbar: shared && options.colorbar !== false ? sharedRange : undefined,
    title: options.title,
    note: notes.length ? notes.join("; ") : undefined,
    scale: options.scale,
    text:
      `${options.title ? options.title + ": " : ""}${channels} feature map${channels === 1 ? "" : "s"} ${height}×${width}` +
      (stats.finiteCount
        ? `, values ${formatNumber(stats.min)} to ${formatNumber(stats.max)}, mean ${formatNumber(stats.mean)}`
        : ", no finite values") +
      (notes.length ? ` (${notes.join("; ")})` : ""),
  });
}
