import type { Layout } from "plotly.js";

/** Options every chart accepts. */
export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels; default 400 high, full width. */
  height?: number;
  width?: number;
  /** Logarithmic y axis (e.g. a loss over many epochs). */
  logY?: boolean;
}

/** The layout shared by all charts: title, axis titles, compact margins. */
export function baseLayout(options: PlotOptions): Partial<Layout> {
  const layout: Partial<Layout> = {
    margin: { l: 60, r: 20, t: options.title ? 50 : 20, b: 50 },
    xaxis: { title: { text: options.xLabel ?? "" } },
    yaxis: { title: { text: options.yLabel ?? "" }, type: options.logY ? "log" : "linear" },
    hovermode: "closest",
  };
  if (options.title) layout.title = { text: options.title };
  if (options.height !== undefined) layout.height = options.height;
  if (options.width !== undefined) layout.width = options.width;
  return layout;
}
