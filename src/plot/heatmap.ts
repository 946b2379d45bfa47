import type { Data } from "plotly.js";
import { ColormapName, colormapTable, formatNumber, TABLE_SIZE } from "../display";
import { Figure } from "./figure";
import { baseLayout, PlotOptions } from "./layout";
import { toMatrix } from "./values";
import type { Tensor } from "@tensorflow/tfjs-core";

/** Options of {@link heatmapPlot}. */
export interface HeatmapPlotOptions extends PlotOptions {
  /** Column names (x) and row names (y). */
  xLabels?: string[];
  yLabels?: string[];
  /** Default: diverging (centred on 0) when the data has both signs, else viridis. */
  colormap?: ColormapName;
  /** Print each cell's value on it (default when the matrix has at most 400 cells). */
  showValues?: boolean;
}

/** A plotly colourscale with the same colours as the PNG renderers, so pictures and plots agree. */
export function plotlyColorscale(name: ColormapName): [number, string][] {
  const table = colormapTable(name);
  const steps = 10;
  return Array.from({ length: steps + 1 }, (_, i) => {
    const entry = Math.round((i / steps) * (TABLE_SIZE - 1)) * 3;
    return [i / steps, `rgb(${table[entry]},${table[entry + 1]},${table[entry + 2]})`];
  });
}

/**
 * Interactive heatmap of a matrix, row 0 at the top (the way matrices and images are read).
 *
 * @param matrix - `number[][]` or a rank-2 tensor.
 */
export function heatmapPlot(matrix: number[][] | Tensor, options: HeatmapPlotOptions = {}): Figure {
  const z = toMatrix(matrix, "heatmapPlot()");
  const rows = z.length;
  const columns = z[0]?.length ?? 0;
  if (options.xLabels && options.xLabels.length !== columns) {
    throw new RangeError(
      `heatmapPlot(): xLabels has ${options.xLabels.length} entries but the matrix has ${columns} columns`,
    );
  }
  if (options.yLabels && options.yLabels.length !== rows) {
    throw new RangeError(
      `heatmapPlot(): yLabels has ${options.yLabels.length} entries but the matrix has ${rows} rows`,
    );
  }
  let min = Infinity;
  let max = -Infinity;
  for (const row of z) {
    for (const v of row) {
      if (!Number.isFinite(v)) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  const colormap = options.colormap ?? (min < 0 && max > 0 ? "diverging" : "viridis");
  const showValues = options.showValues ?? rows * columns <= 400;
  const trace: Data = {
    type: "heatmap",
    z,
    x: options.xLabels,
    y: options.yLabels,
    colorscale: plotlyColorscale(colormap),
    ...(colormap === "diverging" ? { zmid: 0 } : {}),
    ...(showValues
      ? { text: z.map((row) => row.map((v) => formatNumber(v, 3))) as never, texttemplate: "%{text}" }
      : {}),
  };
  const layout = baseLayout(options);
  layout.yaxis = { ...layout.yaxis, autorange: "reversed" };
  return new Figure([trace], layout);
}
