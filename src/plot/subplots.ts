import type { Data, Layout } from "plotly.js";
import { Figure } from "./figure";

/** Options of {@link subplots}. */
export interface SubplotsOptions {
  /** Figures per row (default: all in one row up to 3, then 2 or 3 per row). */
  columns?: number;
  title?: string;
  /** Total height in pixels (default 320 per row). */
  height?: number;
}

function axisSuffix(index: number): string {
  return index === 0 ? "" : String(index + 1);
}

/** Moves a reference like "x", "x domain" or "y2" of figure `index`'s own axes to its slot in the grid. */
function remapAxisReference(reference: unknown, index: number): unknown {
  if (typeof reference !== "string") return reference;
  const match = /^([xy])(\d*)( domain)?$/.exec(reference);
  if (!match) return reference;
  return `${match[1]}${axisSuffix(index)}${match[3] ?? ""}`;
}

function titleOf(layout: Partial<Layout>): string | undefined {
  const title = layout.title as unknown;
  if (typeof title === "string") return title;
  if (title && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") {
    return (title as { text: string }).text;
  }
  return undefined;
}

/**
 * Puts several figures side by side in one figure, each with its own axes and its title above it. Series with the
 * same name in several figures are one series: one colour (unless they set their own) and one legend entry.
 *
 * @example
 * ```ts
 * subplots([linePlot(history.history), confusionMatrixPlot(matrix, classNames)], { columns: 2 })
 * ```
 */
export function subplots(figures: Figure[], options: SubplotsOptions = {}): Figure {
  if (!Array.isArray(figures) || figures.length === 0 || !figures.every((f) => f instanceof Figure)) {
    throw new TypeError(
      "subplots() expects a non-empty array of figures, e.g. subplots([linePlot(a), histogramPlot(b)])",
    );
  }
  const count = figures.length;
  const columns = Math.max(1, Math.min(count, options.columns ?? (count <= 3 ? count : count === 4 ? 2 : 3)));
  const rows = Math.ceil(count / columns);
  const data: Data[] = [];
  const layout: Record<string, unknown> = {
    grid: { rows, columns, pattern: "independent", xgap: 0.15, ygap: 0.25 },
    height: options.height ?? 320 * rows + (options.title ? 40 : 0),
    margin: { l: 60, r: 20, t: options.title ? 80 : 50, b: 50 },
    showlegend: figures.some((f) => f.data.length > 1),
    annotations: [] as unknown[],
    shapes: [] as unknown[],
  };
  if (options.title) layout.title = { text: options.title };
  const names: string[] = [];
  figures.forEach((figure, index) => {
    const suffix = axisSuffix(index);
    for (const trace of figure.data) {
      // Several heatmaps would stack their colour bars on top of each other; values stay in the hover text.
      const copy: Record<string, unknown> = { ...trace, xaxis: `x${suffix}`, yaxis: `y${suffix}` };
      if (typeof trace.name === "string" && copy.type !== "heatmap") sameSeries(copy, trace.name, names);
      if (copy.type === "heatmap" && count > 1) {
        copy.showscale = false;
        delete copy.colorbar;
      }
      data.push(copy as Data);
    }
    const source = figure.layout as Record<string, unknown>;
    layout[`xaxis${suffix}`] = { ...((source.xaxis as object) ?? {}) };
    layout[`yaxis${suffix}`] = { ...((source.yaxis as object) ?? {}) };
    for (const key of ["shapes", "annotations"] as const) {
      const items = (source[key] as Record<string, unknown>[] | undefined) ?? [];
      for (const item of items) {
        (layout[key] as unknown[]).push({
          ...item,
          xref: remapAxisReference(item.xref ?? "x", index),
          yref: remapAxisReference(item.yref ?? "y", index),
        });
      }
    }
    const title = titleOf(figure.layout);
    if (title) {
      (layout.annotations as unknown[]).push({
        // plotly reads annotation text as its own markup: escape "<" so a title cannot open a tag.
        text: title.replace(/</g, "&lt;"),
        font: { weight: "bold" },
        xref: `x${suffix} domain`,
        yref: `y${suffix} domain`,
        x: 0.5,
        y: 1.02,
        xanchor: "center",
        yanchor: "bottom",
        showarrow: false,
      });
    }
  });
  return new Figure(data, layout as Partial<Layout>);
}

/** plotly's own colour sequence, so a series keeps the colour it would have had alone. */
const SERIES_COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];

/** Ties a trace to the earlier ones of its name: their colour, their legend group, no second legend entry. */
function sameSeries(trace: Record<string, unknown>, name: string, names: string[]): void {
  let index = names.indexOf(name);
  const first = index < 0;
  if (first) index = names.push(name) - 1;
  trace.legendgroup = name;
  trace.showlegend = first;
  const color = SERIES_COLORS[index % SERIES_COLORS.length];
  const mode = String(trace.mode ?? "lines+markers");
  // Colour only the parts the trace draws: plotly flags a marker colour on a lines-only trace as unused.
  const parts =
    trace.type === "scatter" ? (["marker", "line"] as const).filter((part) => mode.includes(part)) : ["marker"];
  const own = parts.find((part) => (trace[part] as Record<string, unknown> | undefined)?.color !== undefined);
  const shared = own ? (trace[own] as Record<string, unknown>).color : color;
  for (const part of parts) {
    const style = (trace[part] as Record<string, unknown> | undefined) ?? {};
    if (style.color === undefined) trace[part] = { ...style, color: shared };
  }
}
