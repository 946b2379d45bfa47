import type { Data, Layout } from "plotly.js";
import { describeValue, isTensor, statistics } from "../display";
import { Figure } from "./figure";
import { baseLayout, PlotOptions } from "./layout";
import { isNumbers, Numbers, toNumbers } from "./values";

/** One line of a line plot. */
export interface LineSeries {
  y: Numbers;
  x?: Numbers;
  name?: string;
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions extends PlotOptions {
  /** x values shared by all series (default 0, 1, 2, ...). */
  x?: Numbers;
  /** Draw a marker at each point. */
  markers?: boolean;
}

function namedSeries(series: unknown, caller: string): LineSeries[] {
  if (isNumbers(series)) return [{ y: series }];
  if (Array.isArray(series)) {
    return series.map((item, i) => {
      if (item === null || typeof item !== "object" || !("y" in item)) {
        throw new TypeError(`${caller}: series ${i} must be { y: number[], x?, name? }, got ${describeValue(item)}`);
      }
      return item as LineSeries;
    });
  }
  if (series !== null && typeof series === "object" && !isTensor(series)) {
    // A record of named series, e.g. the `history` of model.fit(): { loss: [...], acc: [...] }.
    return Object.entries(series as Record<string, unknown>).map(([name, y]) => ({ y: y as Numbers, name }));
  }
  throw new TypeError(
    `${caller} expects numbers, { name: numbers } (e.g. history.history) or [{ x?, y, name? }], got ${describeValue(series)}`,
  );
}

/**
 * Line plot of one or more series, e.g. a training history.
 *
 * @param series - numbers; `{ loss: [...], val_loss: [...] }` (one line per key, as `history.history` from
 *   model.fit); or `[{ x?, y, name? }]`.
 *
 * @example
 * ```ts
 * linePlot(history.history, { title: "training", xLabel: "epoch" })
 * ```
 */
export function linePlot(
  series: Numbers | Record<string, Numbers> | LineSeries[],
  options: LinePlotOptions = {},
): Figure {
  const sharedX = options.x === undefined ? undefined : toNumbers(options.x, "linePlot() x");
  const traces: Data[] = namedSeries(series, "linePlot()").map((item, i) => {
    const y = toNumbers(item.y, `linePlot() series ${item.name ?? i}`);
    const x =
      item.x !== undefined ? toNumbers(item.x, `linePlot() x of ${item.name ?? i}`) : (sharedX ?? y.map((_, j) => j));
    return {
      type: "scatter",
      mode: options.markers ? "lines+markers" : "lines",
      x,
      y,
      name: item.name ?? `series ${i}`,
    };
  });
  const layout = { ...baseLayout(options), showlegend: traces.length > 1 };
  return new Figure(traces, hasPoints(traces) ? layout : waiting(layout, options));
}

/**
 * The layout of a plot with no points yet (a live figure before the first epoch): a line saying what it waits for
 * instead of plotly's made-up axes from −1 to 6 and −1 to 4.
 */
function hasPoints(traces: Data[]): boolean {
  return traces.some((trace) => ((trace as { y?: ArrayLike<unknown> }).y?.length ?? 0) > 0);
}

function waiting(layout: Partial<Layout>, options: PlotOptions): Partial<Layout> {
  const bare = { showticklabels: false, showgrid: false, zeroline: false };
  return {
    ...layout,
    xaxis: { ...layout.xaxis, ...bare },
    yaxis: { ...layout.yaxis, ...bare },
    annotations: [
      {
        text: options.xLabel ? `waiting for the first ${options.xLabel}…` : "no data yet",
        showarrow: false,
        xref: "paper",
        yref: "paper",
        x: 0.5,
        y: 0.5,
        font: { size: 14, color: "#555" },
      },
    ],
  };
}

/** One group of points of a scatter plot. */
export interface ScatterSeries {
  x: Numbers;
  y: Numbers;
  name?: string;
  /** Hover text per point. */
  labels?: string[];
  /** Group (class) per point: one colour per group, e.g. the digit of each embedded image. */
  groups?: (string | number)[];
  /** The series' colour (CSS), e.g. to match another chart. */
  color?: string;
}

/**
 * Scatter plot of points, optionally coloured by group (e.g. a 2-D embedding of images coloured by class).
 *
 * @example
 * ```ts
 * scatterPlot({ x: xs, y: ys, groups: labels }, { title: "embedding" })
 * ```
 */
export function scatterPlot(points: ScatterSeries | ScatterSeries[], options: PlotOptions = {}): Figure {
  const list = Array.isArray(points) ? points : [points];
  const traces: Data[] = [];
  list.forEach((series, i) => {
    if (series === null || typeof series !== "object" || !("x" in series) || !("y" in series)) {
      throw new TypeError(`scatterPlot(): points must be { x: number[], y: number[] }, got ${describeValue(series)}`);
    }
    const x = toNumbers(series.x, "scatterPlot() x");
    const y = toNumbers(series.y, "scatterPlot() y");
    if (x.length !== y.length) throw new RangeError(`scatterPlot(): x has ${x.length} values but y has ${y.length}`);
    for (const [name, list] of [
      ["labels", series.labels],
      ["groups", series.groups],
    ] as const) {
      if (list !== undefined && list.length !== x.length) {
        throw new RangeError(`scatterPlot(): ${name} has ${list.length} entries but there are ${x.length} points`);
      }
    }
    if (series.groups === undefined) {
      traces.push({
        type: "scatter",
        mode: "markers",
        x,
        y,
        name: series.name ?? `series ${i}`,
        text: series.labels,
        ...(series.color !== undefined ? { marker: { color: series.color } } : {}),
      });
      return;
    }
    const groups = series.groups;
    const names = [...new Set(groups.map(String))];
    for (const group of names) {
      const indices = groups.flatMap((g, j) => (String(g) === group ? [j] : []));
      traces.push({
        type: "scatter",
        mode: "markers",
        x: indices.map((j) => x[j]),
        y: indices.map((j) => y[j]),
        name: group,
        text: series.labels ? indices.map((j) => series.labels![j]) : undefined,
      });
    }
  });
  const layout = { ...baseLayout(options), showlegend: traces.length > 1 };
  return new Figure(traces, hasPoints(traces) ? layout : waiting(layout, options));
}

/** Options of {@link barPlot}. */
export interface BarPlotOptions extends PlotOptions {
  /** Category names when values is a plain array. */
  labels?: string[];
  /** Bars grow to the right instead of up. */
  horizontal?: boolean;
}

/**
 * Bar chart of named values, e.g. class probabilities or per-class accuracy.
 *
 * @param values - `{ cat: 0.7, dog: 0.2 }`, numbers with `options.labels`, or `{ series: { cat: 1, dog: 2 } }` of
 *   several named series (grouped bars).
 */
export function barPlot(
  values: Record<string, number> | Numbers | Record<string, Record<string, number>>,
  options: BarPlotOptions = {},
): Figure {
  const bar = (categories: string[], amounts: number[], name?: string): Data =>
    options.horizontal
      ? { type: "bar", orientation: "h", y: categories, x: amounts, name }
      : { type: "bar", x: categories, y: amounts, name };
  let traces: Data[];
  if (isNumbers(values)) {
    const amounts = toNumbers(values, "barPlot() values");
    const labels = options.labels ?? amounts.map((_, i) => String(i));
    if (labels.length !== amounts.length) {
      throw new RangeError(`barPlot(): labels has ${labels.length} entries but there are ${amounts.length} values`);
    }
    traces = [bar(labels, amounts)];
  } else if (values !== null && typeof values === "object") {
    const entries = Object.entries(values as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v === "number")) {
      traces = [
        bar(
          entries.map(([k]) => k),
          entries.map(([, v]) => v as number),
        ),
      ];
    } else if (entries.every(([, v]) => v !== null && typeof v === "object" && !Array.isArray(v))) {
      traces = entries.map(([name, group]) => {
        const inner = Object.entries(group as Record<string, number>);
        return bar(
          inner.map(([k]) => k),
          inner.map(([, v]) => Number(v)),
          name,
        );
      });
    } else {
      throw new TypeError("barPlot() expects { name: number }, numbers with labels, or { series: { name: number } }");
    }
  } else {
    throw new TypeError(`barPlot() expects named values or numbers, got ${describeValue(values)}`);
  }
  return new Figure(traces, { ...baseLayout(options), barmode: "group", showlegend: traces.length > 1 });
}

/** Options of {@link histogramPlot}. */
export interface HistogramPlotOptions extends PlotOptions {
  /** Number of equal-width bins (default 30). */
  bins?: number;
}

/** Counts of `values` in `bins` equal-width bins over their finite range; NaN and infinities are left out. */
export function binCounts(values: ArrayLike<number>, bins: number): { edges: number[]; counts: number[] } {
  const stats = statistics(values);
  if (stats.finiteCount === 0) return { edges: [0, 1], counts: [0] };
  let { min, max } = stats;
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => min + i * width), counts };
}

/**
 * Histogram of values, e.g. a layer's weights or activations. Binning happens here, so a tensor of a million
 * values becomes a few dozen bars, not a million numbers in the notebook.
 *
 * @param values - numbers or a tensor; or `{ name: numbers }` to overlay several distributions.
 */
export function histogramPlot(values: Numbers | Record<string, Numbers>, options: HistogramPlotOptions = {}): Figure {
  const bins = options.bins ?? 30;
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= 10_000)) {
    throw new RangeError(`histogramPlot(): bins must be an integer from 1 to 10000, got ${bins}`);
  }
  const groups: [string | undefined, number[]][] = isNumbers(values)
    ? [[undefined, toNumbers(values, "histogramPlot() values")]]
    : values !== null && typeof values === "object"
      ? Object.entries(values).map(([name, v]) => [name, toNumbers(v, `histogramPlot() ${name}`)])
      : [];
  if (groups.length === 0)
    throw new TypeError(`histogramPlot() expects numbers or a tensor, got ${describeValue(values)}`);
  const traces: Data[] = groups.map(([name, numbers]) => {
    const { edges, counts } = binCounts(numbers, bins);
    const width = edges[1] - edges[0];
    return {
      type: "bar",
      x: counts.map((_, i) => edges[i] + width / 2),
      y: counts,
      width: counts.map(() => width),
      name,
      opacity: groups.length > 1 ? 0.6 : 1,
      hovertemplate: "%{x}: %{y}<extra></extra>",
    };
  });
  return new Figure(traces, {
    ...baseLayout({ yLabel: "count", ...options }),
    barmode: "overlay",
    bargap: 0,
    showlegend: traces.length > 1,
  });
}
