import { randomUUID } from "crypto";
import { PlotlyMimeData } from "../../contract";

/** What the HTML of one figure needs. */
export interface FigureHtmlOptions {
  /** plotly.js source to put before the figure, or undefined when the page already has window.Plotly. */
  plotlySource?: string;
  /** Height of the plot area in pixels. */
  height: number;
  /** Element id; random by default (one page may show many figures). */
  id?: string;
}

/** JSON that is safe inside a <script> element. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Seconds a figure waits silently for plotly.js before it says why it is blank. */
const QUIET_WAIT_SECONDS = 3;

/**
 * The text/html of a figure: a div and a script that draws it with window.Plotly. No external URL is referenced.
 *
 * When plotly.js is not on the page (it was embedded in an earlier output that was cleared, or a reopened notebook
 * lacks it) the figure keeps waiting: after a few seconds it says how to bring plotly.js back (run any figure after
 * `embedPlotlyAgain()`, or re-run the notebook from the top) and draws itself as soon as plotly.js arrives.
 */
export function figureHtml(figure: PlotlyMimeData, options: FigureHtmlOptions): string {
  const id = options.id ?? `cnnlab-figure-${randomUUID()}`;
  const parts: string[] = [];
  if (options.plotlySource !== undefined) {
    parts.push(`<script type="text/javascript">${options.plotlySource}</script>`);
  }
  parts.push(
    `<div id="${id}" class="cnnlab-figure" style="width:100%;min-width:320px;height:${Math.round(options.height)}px"></div>`,
  );
  parts.push(
    `<script type="text/javascript">(function () {
  var figure = ${scriptSafeJson(figure)};
  var element = document.getElementById(${JSON.stringify(id)});
  if (!element) return;
  function draw() { window.Plotly.newPlot(element, figure.data, figure.layout, figure.config || {}); }
  if (window.Plotly) { draw(); return; }
  var waited = 0;
  var timer = setInterval(function () {
    waited += 0.25;
    if (window.Plotly) { clearInterval(timer); element.innerHTML = ""; draw(); return; }
    if (waited === ${QUIET_WAIT_SECONDS}) {
      element.innerHTML = '<div style="font:12px sans-serif;color:#a33;padding:8px;border:1px dashed #d99">' +
        'This figure needs plotly.js, which cnnlab embeds once per kernel session in the first figure it shows. ' +
        'That output is not on this page. Run <code>embedPlotlyAgain()</code> from cnnlab and show any figure ' +
        '(or re-run the notebook from the top): this figure will then draw itself.</div>';
    }
    if (waited > 1800) clearInterval(timer);
  }, 250);
})();</script>`,
  );
  return parts.join("\n");
}

/** A whole HTML page for one figure with plotly.js inside, for files opened outside a notebook. */
export function standaloneFigurePage(
  figure: PlotlyMimeData,
  plotlySource: string,
  height: number,
  title: string,
): string {
  const escapedTitle = title.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapedTitle}</title></head><body>\n` +
    figureHtml(figure, { plotlySource, height }) +
    `\n</body></html>\n`
  );
}
