import * as tf from "@tensorflow/tfjs";
import { Tensor } from "@tensorflow/tfjs-core";
import { defaultColumns, ImageGrid, ImageOptions } from "./imageGrid";
import { GridTile } from "./render/imageGrid";
import { Raster } from "./render/sampling";
import { formatNumber, statistics } from "./render/statistics";
import { expectNonEmpty, expectRank, readTensor, TensorData } from "./tensorData";
import { dataRange } from "./valueRange";

/** Options of {@link showFilters}. */
export interface ShowFiltersOptions extends ImageOptions {
  /** With a model: the convolution layer, by name or index (default its first convolution layer). */
  layer?: string | number;
  /** Draw only this input channel's slice of each filter (one tile per filter). */
  inputChannel?: number;
  /** With 3 input channels, draw each filter as one colour patch (the classic first-layer picture). Default true
   *  when the kernel has exactly 3 input channels and no inputChannel is chosen. */
  rgb?: boolean;
  /** Filters per row when each filter is one tile. */
  columns?: number;
  /** At most this many tiles (default 256); extra input channels are left out and counted in a note. */
  maxTiles?: number;
  /** One name per filter (output channel), e.g. `["vertical edge", "blur"]`; default "out 0", "out 1"… */
  labels?: string[];
  /** One colour range for all filters, with a colour bar (default false: each filter is scaled to its own largest
   *  weight, so a weak filter is as visible as a strong one). */
  sharedRange?: boolean;
}

/**
 * Draws a convolution kernel's filters. The layout follows the kernel: one row per input channel, one column per
 * filter (output channel), each tile `kh × kw`; with 3 input channels each filter is one RGB patch instead, and with
 * `inputChannel` one slice per filter. Weights use the diverging map centred on 0 (blue < 0 < red); each filter is
 * scaled to its own largest |weight|, written under it, unless `sharedRange` is set. Each tile is labelled with its
 * filter (and input channel).
 *
 * @param source - a kernel `[kh, kw, inChannels, outChannels]`, a Conv2D layer, or a model (its first convolution
 *   layer, or `options.layer`); a layer's title says its name and sizes.
 *
 * @example
 * ```ts
 * showFilters(model, { layer: "C1" })   // LeNet's six 5×5 first-layer filters
 * ```
 */
export function showFilters(
  source: Tensor | tf.layers.Layer | tf.LayersModel,
  options: ShowFiltersOptions = {},
): ImageGrid {
  if (!(source instanceof tf.LayersModel || source instanceof tf.layers.Layer)) {
    const data = readTensor(source, "showFilters");
    expectRank(data, [4], "showFilters", "[kh,kw,inChannels,outChannels] (a conv2d kernel)");
    expectNonEmpty(data, "showFilters");
    return filterGrid(data, options);
  }
  const layer = source instanceof tf.LayersModel ? convolutionLayer(source, options.layer) : source;
  const kernel = layer.getWeights().find((weight) => weight.rank === 4);
  if (!kernel) {
    throw new Error(
      `showFilters: layer "${layer.name}" (${layer.getClassName()}) has no convolution kernel ` +
        "[kh,kw,in,out]; pick a Conv2D layer",
    );
  }
  const [kernelHeight, kernelWidth, inChannels, outChannels] = kernel.shape;
  const title =
    `${layer.name}: ${outChannels} filters ${kernelHeight}×${kernelWidth} over ${inChannels} input ` +
    `channel${inChannels === 1 ? "" : "s"}`;
  return showFilters(kernel, { title, ...options });
}

function convolutionLayer(model: tf.LayersModel, wanted: string | number | undefined): tf.layers.Layer {
  if (wanted === undefined) {
    const first = model.layers.find((layer) => layer.getWeights().some((weight) => weight.rank === 4));
    if (!first) throw new Error("showFilters: the model has no convolution layer");
    return first;
  }
  const found = typeof wanted === "number" ? model.layers[wanted] : model.layers.find((layer) => layer.name === wanted);
  if (!found) {
    throw new Error(
      `showFilters: the model has no layer ${typeof wanted === "number" ? `at index ${wanted}` : `"${wanted}"`}; ` +
        `its layers are ${model.layers.map((layer) => layer.name).join(", ")}`,
    );
  }
  return found;
}

/** The filter grid for a kernel already read from a tensor (also used by show() for kernel-shaped tensors). */
export function filterGrid(data: TensorData, options: ShowFiltersOptions): ImageGrid {
  const [kernelHeight, kernelWidth, inChannels, outChannels] = data.shape;
  const { inputChannel } = options;
  if (
    inputChannel !== undefined &&
    !(Number.isInteger(inputChannel) && inputChannel >= 0 && inputChannel < inChannels)
  ) {
    throw new RangeError(`showFilters(): inputChannel must be an integer in 0..${inChannels - 1}, got ${inputChannel}`);
  }
  if (options.labels !== undefined && options.labels.length !== outChannels) {
    throw new RangeError(
      `showFilters(): labels has ${options.labels.length} entries but the kernel has ${outChannels} filters`,
    );
  }
  const stats = statistics(data.values);
  const colormap = options.colormap === undefined || options.colormap === "auto" ? "diverging" : options.colormap;
  const shared = options.sharedRange === true || options.range !== undefined;
  const sharedRange = options.range ?? dataRange(stats, colormap);
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
  // Each filter gets its own range by default: a lesson's kernel bank mixes a Sobel filter (±2) or a Laplacian (−4)
  // with a blur (all 1/9), and on one shared scale the blur is drawn white, as if it were all zeros. What a reader
  // learns from a filter is its pattern (which weights are positive, which negative, which matter most); the
  // diverging map keeps 0 white, so signs stay true, and the label says how large the weights are.
  const filterRanges = Array.from({ length: outChannels }, (_, filter): readonly [number, number] =>
    shared ? sharedRange : dataRange(statistics(slice(indices(inChannels), filter).values), colormap),
  );
  const name = (filter: number) => options.labels?.[filter] ?? `out ${filter}`;
  const scaleText = (filter: number) => (shared ? "" : ` ±${formatNumber(largest(filterRanges[filter]), 2)}`);

  const tiles: GridTile[] = [];
  let columns: number;
  let layoutText: string;
  let note: string | undefined;
  if (rgb || inputChannel !== undefined || inChannels === 1) {
    const channels = rgb ? [0, 1, 2] : [inputChannel ?? 0];
    const shown = Math.min(outChannels, maxTiles);
    for (let f = 0; f < shown; f++) {
      const label = `${name(f)}${inputChannel !== undefined ? ` · in ${inputChannel}` : ""}${scaleText(f)}`;
      tiles.push({ raster: slice(channels, f), range: filterRanges[f], label });
    }
    columns = options.columns ?? defaultColumns(shown);
    layoutText = rgb ? "one RGB tile per filter" : `input channel ${channels[0]}, one tile per filter`;
    if (shown < outChannels) note = `showing ${shown} of ${outChannels} filters`;
  } else {
    const shownFilters = Math.min(outChannels, maxTiles);
    const shownInputs = Math.max(1, Math.min(inChannels, Math.floor(maxTiles / shownFilters)));
    for (let c = 0; c < shownInputs; c++) {
      for (let f = 0; f < shownFilters; f++) {
        // No ± here: in a grid of small tiles it would not fit; the text/plain lists each filter's scale.
        tiles.push({ raster: slice([c], f), range: filterRanges[f], label: `${name(f)} · in ${c}` });
      }
    }
    columns = shownFilters;
    layoutText = "rows: input channels, columns: filters";
    const parts = [];
    if (shownInputs < inChannels) parts.push(`input channels 0–${shownInputs - 1} of ${inChannels}`);
    if (shownFilters < outChannels) parts.push(`${shownFilters} of ${outChannels} filters`);
    note = parts.length ? `showing ${parts.join(", ")}` : "rows: input channels, columns: filters";
  }
  if (!shared) {
    const perFilter = "each filter scaled to ±its largest |weight|";
    note = note ? `${note}; ${perFilter}` : perFilter;
  }
  // A colour bar is one scale for all tiles: only with a shared range.
  const drawColorbar = options.colorbar ?? (!rgb && shared);
  return new ImageGrid({
    tiles,
    columns,
    colormap,
    colorbar: drawColorbar && !rgb ? sharedRange : undefined,
    title: options.title,
    note,
    scale: options.scale,
    text:
      `${options.title ? options.title + ": " : ""}filters of a ${kernelHeight}×${kernelWidth} kernel, ` +
      `${inChannels} input → ${outChannels} output channels (${layoutText}); ` +
      `weights min ${formatNumber(stats.min)} max ${formatNumber(stats.max)}` +
      (shared
        ? ""
        : `; largest |weight| per filter: ` +
          filterRanges.map((filterRange, f) => `${name(f)} ${formatNumber(largest(filterRange), 3)}`).join(", ")) +
      (note && note.startsWith("showing") ? ` (${note})` : ""),
  });
}

function indices(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** The larger end of a range, as a magnitude: the ± a diverging range spans. */
function largest([low, high]: readonly [number, number]): number {
  return Math.max(Math.abs(low), Math.abs(high));
}
