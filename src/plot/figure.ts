import type { Config, Data, Layout } from "plotly.js";
import { mimeBundle, STANDALONE_HTML } from "../display";
import { Displayable, JUPYTER_DISPLAY, MimeBundle, PlotlyMimeData } from "../contract";
import { figureHtml, standaloneFigurePage } from "./render/figureHtml";
import { figureText } from "./render/figureText";
import { plotlySource, takeEmbeddingTurn } from "./plotlyScript";

/** Plot height when the layout names none. */
const DEFAULT_HEIGHT = 400;

/** Converts typed arrays (and tensors' dataSync output) to plain arrays and drops functions, so JSON is exact. */
function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
  }
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (typeof inner !== "function" && inner !== undefined) out[key] = plain(inner);
    }
    return out;
  }
  return value;
}

/**
 * A plotly.js figure: traces (`data`), `layout` and `config`. As a cell's value (or passed to display()) it shows as
 * an interactive chart: `application/vnd.plotly.v1+json` for frontends with a plotly renderer, a self-contained
 * text/html fallback (plotly.js embedded once per kernel session, never loaded from the internet), and a text/plain
 * description.
 */
export class Figure implements Displayable {
  data: Data[];
  layout: Partial<Layout>;
  config: Partial<Config>;

  constructor(data: Data[] = [], layout: Partial<Layout> = {}, config: Partial<Config> = {}) {
    this.data = data;
    this.layout = layout;
    this.config = config;
  }

  /** The figure as plain JSON data (typed arrays become arrays, NaN becomes null). */
  toJSON(): PlotlyMimeData {
    return {
      data: plain(this.data) as unknown[],
      layout: plain(this.layout) as Record<string, unknown>,
      config: plain({ displaylogo: false, responsive: true, ...this.config }) as Record<string, unknown>,
    };
  }

  /** The text/plain description. */
  toString(): string {
    return figureText(this.toJSON());
  }

  /** HTML for a notebook page; `embedPlotly` puts plotly.js itself in front of the figure. */
  toHtml(options: { embedPlotly?: boolean } = {}): string {
    return figureHtml(this.toJSON(), {
      plotlySource: options.embedPlotly ? plotlySource() : undefined,
      height: this.height(),
    });
  }

  /** A whole HTML page with plotly.js inside, to save and open in a browser. */
  toStandaloneHtml(): string {
    const figure = this.toJSON();
    const title = figureText(figure).split("\n")[0];
    return standaloneFigurePage(figure, plotlySource(), this.height(), title);
  }

  /**
   * The mimebundle. `embedPlotly`: "once" (default) carries plotly.js in the first figure of the kernel session,
   * "never" relies on the page having it, "always" carries it every time.
   */
  toBundle(embedPlotly: "once" | "never" | "always" = "once"): MimeBundle {
    const figure = this.toJSON();
    const embed = embedPlotly === "always" || (embedPlotly === "once" && takeEmbeddingTurn());
    return mimeBundle({
      text: figureText(figure),
      html: figureHtml(figure, { plotlySource: embed ? plotlySource() : undefined, height: this.height() }),
      plotly: figure,
    });
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return this.toBundle("once");
  }

  [STANDALONE_HTML](): string {
    return this.toStandaloneHtml();
  }

  private height(): number {
    return typeof this.layout.height === "number" ? this.layout.height : DEFAULT_HEIGHT;
  }
}
