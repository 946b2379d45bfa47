import { Tensor } from "@tensorflow/tfjs-core";
import { defaultColumns, ImageGrid, ImageOptions } from "./imageGrid";
import { GridTile } from "./render/imageGrid";
import { Raster } from "./render/sampling";
import { formatNumber, statistics } from "./render/statistics";
import { expectNonEmpty, expectRank, readTensor, TensorData } from "./tensorData";
import { dataRange } from "./valueRange";

/** Options of {@link showFilters}. */
export interface ShowFiltersOptions extends ImageOptions {
  /** Draw only this input channel's slice of each filter (one tile per filter). */
  inputChannel?: number;
  /** With 3 input channels, draw each filter as one colour patch (the classic first-layer picture). Default true
   *  when the kernel has exactly 3 input channels and no inputChannel is chosen. */
  rgb?: boolean;
  /** Filters per row when each filter is one tile. */
  columns?: number;
  /** At most this many tiles (default 256); extra input channels are left out and counted in a note. */
  maxTiles?: number;
}

/**
 * Draws a convolution kernel's filters. The layout follows the kernel: one row per input channel, one column per
 * filter (output channel), each tile `kh × kw`; with 3 input channels each filter is one RGB patch instead, and with
 * `inputChannel` one slice per filter. Weights use the diverging map centred on 0, one range for all tiles, so
 * tiles compare fairly.
 *
 * @param kernel - `[kh, kw, inChannels, outChannels]`, e.g. `model.layers[0].getWeights()[0]`.
 */
export function showFilters(kernel: Tensor, options: ShowFiltersOptions = {}): ImageGrid {
  const data = readTensor(kernel, "showFilters");
  expectRank(data, [4], "showFilters", "[kh,kw,inChannels,outChannels] (a conv2d kernel)");
  expectNonEmpty(data, "showFilters");
  return filterGrid(data, options);
}

/** The filter grid for a kernel already read from a tensor (also used by show() for kernel-shaped tensors). */
export function filterGrid(data: TensorData, options: ShowFiltersOptions): ImageGrid {
  const [kernelHeight, kernelWidth, inChannels, outChannels] = data.shape;
  const { inputChannel } = options;
  if (inputChannel !== undefined && !(Number.isInteger(inputChannel) && inputChannel >= 0 && inputChannel < inChannels)) {
    throw new RangeError(`showFilters(): inputChannel must be an integer in 0..${inChannels - 1}, got ${inputChannel}`);
  }
  const stats = statistics(data.values);
  const colormap = options.colormap === undefined || options.colormap === "auto" ? "diverging" : options.colormap;
  const range = options.range ?? dataRange(stats, colormap);
  const maxTiles = Math.max(1, options.maxTiles ?? 256);
  const rgb = options.rgb ?? (inChannels === 3 && inputChannel === undefined);
  if (rgb && inChannels !== 3) {
    throw new RangeError(`showFilters(): rgb needs a kernel with 3 input channels, this one has ${inChannels}`);
  }
  const slice = (channels: number[], filter: number): Raster => {
    const values = new Float32Array(kernelHeight * kernelWidth * channels.length);
    for (let p = 0; p < kernelHeight * kernelWidth; p++) {
      channels.forEach((channel, k) => {
        values[p * channels.length + k] = data.values[(p * inChannels + channel) * outChannels + filter];
      });
    }
    return { height: kernelHeight, width: kernelWidth, channels: channels.length, values };
  };

  const tiles: GridTile[] = [];
  let columns: number;
  let layoutText: string;
  let note: string | undefined;
  if (rgb || inputChannel !== undefined || inChannels === 1) {
    const channels = rgb ? [0, 1, 2] : [inputChannel ?? 0];
    const shown = Math.min(outChannels, maxTiles);
    for (let f = 0; f < shown; f++) tiles.push({ raster: slice(channels, f), range });
    columns = options.columns ?? defaultColumns(shown);
    layoutText = rgb ? "one RGB tile per filter" : `input channel ${channels[0]}, one tile per filter`;
    if (shown < outChannels) note = `showing ${shown} of ${outChannels} filters`;
  } else {
    const shownFilters = Math.min(outChannels, maxTiles);
    const shownInputs = Math.max(1, Math.min(inChannels, Math.floor(maxTiles / shownFilters)));
    for (let c = 0; c < shownInputs; c++) {
      for (let f = 0; f < shownFilters; f++) tiles.push({ raster: slice([c], f), range });
    }
    columns = shownFilters;
    layoutText = "rows: input channels, columns: filters";
    const parts = [];
    if (shownInputs < inChannels) parts.push(`input channels 0–${shownInputs - 1} of ${inChannels}`);
    if (shownFilters < outChannels) parts.push(`${shownFilters} of ${outChannels} filters`);
    note = parts.length ? `showing ${parts.join(", ")}` : "rows: input channels, columns: filters";
  }
  const drawColorbar = options.colorbar ?? !rgb;
  return new ImageGrid({
    tiles,
    columns,
    colormap,
    colorbar: drawColorbar && !rgb ? range : undefined,
    title: options.title,
    note,
    scale: options.scale,
    text:
      `${options.title ? options.title + ": " : ""}filters of a ${kernelHeight}×${kernelWidth} kernel, ` +
      `${inChannels} input → ${outChannels} output channels (${layoutText}); ` +
      `weights min ${formatNumber(stats.min)} max ${formatNumber(stats.max)}` +
      (note && note.startsWith("showing") ? ` (${note})` : ""),
  });
}
