import { Tensor } from "@tensorflow/tfjs-core";
import { mimeBundle } from "./bundle";
import { featureMapGrid } from "./featureMaps";
import { filterGrid } from "./filters";
import { ImageGrid, ImageOptions } from "./imageGrid";
import { imageBatchGrid } from "./images";
import { JUPYTER_DISPLAY, MimeBundle } from "../contract";
import { formatNumber, Statistics, statistics } from "./render/statistics";
import { tensorText } from "./render/tensorText";
import { readTensor, TensorData } from "./tensorData";
import { chooseColormap, dataRange, imageRange } from "./valueRange";

/** Largest kernel side treated as a convolution kernel when guessing what a rank-4 tensor is. */
const MAX_KERNEL_SIDE = 11;

/**
 * A tensor as a notebook shows it: a picture chosen by its shape and a text summary (shape, dtype, statistics,
 * NaN/Inf counts, values when few). The values are read when the view is made, so the tensor may be disposed after.
 */
export class TensorView {
  /** Shape of the tensor. */
  readonly shape: number[];
  readonly dtype: string;
  /** Statistics over the finite values. */
  readonly stats: Statistics;
  /** The picture, or undefined when the tensor has nothing to draw (a scalar, an empty tensor, rank above 4). */
  readonly picture: ImageGrid | undefined;
  private readonly text: string;

  constructor(data: TensorData, options: ImageOptions = {}, strict = true) {
    this.shape = data.shape;
    this.dtype = data.dtype;
    this.stats = statistics(data.values);
    let note: string | undefined;
    let picture: ImageGrid | undefined;
    try {
      picture = pictureOf(data, this.stats, options);
    } catch (error) {
      if (strict) throw error;
      note = `(no picture: ${(error as Error).message})`;
    }
    if (picture === undefined && note === undefined) {
      if (data.values.length === 0) note = "(empty tensor: nothing to draw)";
      else if (data.shape.length > 4) note = "(no picture for rank above 4: show a slice, e.g. x.slice(...))";
    }
    this.picture = picture;
    this.text = tensorText(data.shape, data.dtype, data.values, this.stats, note);
  }

  /** The text/plain summary. */
  toString(): string {
    return this.text;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return mimeBundle({ text: this.text, png: this.picture?.toPng() });
  }
}

/** Options of {@link show}. */
export type ShowOptions = ImageOptions;

/**
 * Shows a tensor as a picture plus a text summary; the picture depends on the shape:
 * rank 1 → a strip, rank 2 → a heatmap, `[h,w,1]` → a grey image, `[h,w,3]` → an RGB image,
 * `[h,w,c]` → a grid of the c feature maps, `[n,h,w,1|3]` → an image grid, `[kh,kw,in,out]` (kh = kw ≤ 11) →
 * the filters. Signed data gets a diverging map centred on 0; a colour bar gives the numeric range.
 *
 * @example
 * ```ts
 * show(tf.randomNormal([28, 28]), { title: "noise" })
 * ```
 */
export function show(tensor: Tensor, options: ShowOptions = {}): TensorView {
  const data = readTensor(tensor, "show");
  if (data.shape.length > 4) {
    throw new RangeError(
      `show() draws tensors of rank 0 to 4; got rank ${data.shape.length} [${data.shape.join(",")}]. ` +
        `Pick a slice first, e.g. x.slice(...) or x.squeeze()`,
    );
  }
  return new TensorView(data, options, true);
}

/** The view the notebook shows when a tensor is a cell's value: never throws, falls back to text. */
export function tensorViewForDisplay(tensor: Tensor): TensorView | string {
  try {
    // A cell's value has no caption of its own: the picture says what it is, as the text summary does.
    const data = readTensor(tensor, "show");
    return new TensorView(data, { title: describeTensor(data) }, false);
  } catch (error) {
    return `Tensor [${tensor.shape?.join(",")}] ${tensor.dtype}: ${(error as Error).message}`;
  }
}

/** "float32 tensor [28, 28], values 0 to 1": what a picture of a tensor is, for its title. */
function describeTensor(data: TensorData): string {
  const stats = statistics(data.values);
  const values =
    stats.finiteCount === 0
      ? ""
      : stats.min === stats.max
        ? `, every value ${formatNumber(stats.min, 3)}`
        : `, values ${formatNumber(stats.min, 3)} to ${formatNumber(stats.max, 3)}`;
  return `${data.dtype} tensor [${data.shape.join(", ")}]${values}`;
}

function pictureOf(data: TensorData, stats: Statistics, options: ImageOptions): ImageGrid | undefined {
  const { shape } = data;
  if (data.values.length === 0 || shape.length === 0 || shape.length > 4) return undefined;
  if (shape.length === 1) return heatmap(data, 1, shape[0], stats, options);
  if (shape.length === 2) return heatmap(data, shape[0], shape[1], stats, options);
  if (shape.length === 3) {
    const channels = shape[2];
    if (channels === 1 || channels === 3 || channels === 4) return singleImage(data, stats, options);
    return featureMapGrid(data, options);
  }
  const [first, second, , channels] = shape;
  if (first === second && first <= MAX_KERNEL_SIDE) return filterGrid(data, options);
  if (channels === 1 || channels === 3 || channels === 4) return imageBatchGrid(data, options);
  return featureMapGrid(data, options);
}

function heatmap(data: TensorData, height: number, width: number, stats: Statistics, options: ImageOptions): ImageGrid {
  const colormap = chooseColormap(options.colormap, stats, "viridis");
  const range = options.range ?? dataRange(stats, colormap);
  return new ImageGrid({
    tiles: [{ raster: { height, width, channels: 1, values: data.values }, range }],
    columns: 1,
    colormap,
    colorbar: options.colorbar === false ? undefined : range,
    title: options.title,
    note: nanNote(stats),
    scale: options.scale,
    text: `heatmap ${height}×${width}`,
  });
}

function singleImage(data: TensorData, stats: Statistics, options: ImageOptions): ImageGrid {
  const [height, width, channels] = data.shape;
  const colormap = options.colormap === undefined || options.colormap === "auto" ? "grey" : options.colormap;
  const range = options.range ?? (colormap === "grey" || channels > 1 ? imageRange(stats) : dataRange(stats, colormap));
  return new ImageGrid({
    tiles: [{ raster: { height, width, channels, values: data.values }, range }],
    columns: 1,
    colormap,
    colorbar: channels === 1 && options.colorbar !== false ? range : undefined,
    title: options.title,
    note: nanNote(stats),
    scale: options.scale,
    text: `image ${height}×${width}×${channels}`,
  });
}

function nanNote(stats: Statistics): string | undefined {
  return stats.nanCount > 0 ? `magenta = NaN (${stats.nanCount})` : undefined;
}
