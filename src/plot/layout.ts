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
  /** Logarithmic x axis (e.g. parameters or learning rates spanning several powers of ten). */
  logX?: boolean;
}

/** A log axis labels its ticks 10⁻³, 10⁻²…: plotly's default SI prefixes read "1m, 10μ, 100n" for a loss. */
function axis(title: string | undefined, log: boolean | undefined): Partial<Layout["xaxis"]> {
  return log
    ? { title: { text: title ?? "" }, type: "log", exponentformat: "power" }
    : { title: { text: title ?? "" } };
}

/** The layout shared by all charts: title, axis titles, compact margins. */
export function baseLayout(options: PlotOptions): Partial<Layout> {
  const layout: Partial<Layout> = {
    margin: { l: 60, r: 20, t: options.title ? 50 : 20, b: 50 },
    xaxis: axis(options.xLabel, options.logX),
    yaxis: axis(options.yLabel, options.logY),
    hovermode: "closest",
  };
  if (options.title) layout.title = { text: options.title };
  if (options.height !== undefined) layout.height = options.height;
  if (options.width !== undefined) layout.width = options.width;
  return layout;
}
