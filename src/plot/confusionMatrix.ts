import type { Data, Shape } from "plotly.js";
import type { Tensor } from "@tensorflow/tfjs-core";
import { Figure } from "./figure";
import { baseLayout, PlotOptions } from "./layout";
import { plotlyColorscale } from "./heatmap";
import { toMatrix } from "./values";

/** Options of {@link confusionMatrixPlot}. */
export interface ConfusionMatrixOptions extends PlotOptions {
  /** Colour by the share of each true class (row) instead of raw counts (default true): small classes stay visible. */
  normalize?: boolean;
}

/**
 * A confusion matrix: rows are true classes, columns predicted ones. Each cell shows its count and its share of
 * the true class; colour follows the share (or the count with `normalize: false`); the diagonal (right answers) is
 * outlined. The title gives the overall accuracy.
 *
 * @param matrix - `[classes, classes]` counts, e.g. from `tf.math.confusionMatrix(labels, predictions, classes)`.
 * @param labels - class names, one per row.
 */
export function confusionMatrixPlot(
  matrix: number[][] | Tensor,
  labels: string[],
  options: ConfusionMatrixOptions = {},
): Figure {
  const counts = toMatrix(matrix, "confusionMatrixPlot()");
  const classes = counts.length;
  if (counts.some((row) => row.length !== classes)) {
    throw new RangeError(
      `confusionMatrixPlot() expects a square matrix [classes,classes], got ${classes}×${counts[0]?.length}`,
    );
  }
  if (!Array.isArray(labels) || labels.length !== classes) {
    throw new RangeError(
      `confusionMatrixPlot(): labels must name the ${classes} classes, got ${Array.isArray(labels) ? labels.length : typeof labels}`,
    );
  }
  const normalize = options.normalize ?? true;
  const shares = counts.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
  const total = counts.flat().reduce((a, b) => a + b, 0);
  const right = counts.reduce((sum, row, i) => sum + row[i], 0);
  const names = labels.map(String);
  const trace: Data = {
    type: "heatmap",
    z: normalize ? shares : counts,
    x: names,
    y: names,
    colorscale: plotlyColorscale("viridis"),
    ...(normalize ? { zmin: 0, zmax: 1 } : {}),
    text: counts.map((row, r) => row.map((v, c) => `${v}<br>${(100 * shares[r][c]).toFixed(1)}%`)) as never,
    texttemplate: "%{text}",
    hovertemplate: "true %{y}, predicted %{x}: %{text}<extra></extra>",
    // plotly.js 2 takes { text }; the bundled types still describe the old plain string.
    colorbar: { title: { text: normalize ? "share of true class" : "count" } as never },
  };
  // Outline the diagonal (right answers) so it reads as the target even when a class is rare.
  const shapes: Partial<Shape>[] = names.map((_, i) => ({
    type: "rect",
    xref: "x",
    yref: "y",
    x0: i - 0.5,
    x1: i + 0.5,
    y0: i - 0.5,
    y1: i + 0.5,
    line: { color: "#2ca02c", width: 3 },
    fillcolor: "rgba(44,160,44,0.08)",
  }));
  const accuracy = total > 0 ? ` (accuracy ${((100 * right) / total).toFixed(1)}%)` : "";
  const layout = baseLayout({
    xLabel: "predicted",
    yLabel: "true",
    ...options,
    title: (options.title ?? "Confusion matrix") + accuracy,
  });
  layout.xaxis = { ...layout.xaxis, type: "category", side: "bottom" };
  layout.yaxis = { ...layout.yaxis, type: "category", autorange: "reversed" };
  layout.shapes = shapes;
  if (options.height === undefined) layout.height = Math.min(800, Math.max(360, 60 + classes * 40));
  return new Figure([trace], layout);
}
