import * as fs from "fs";

/**
 * plotly.js travels inside the notebook, never from a CDN: the first figure shown in a kernel session carries the
 * whole library (about 4.6 MB) in its text/html, later figures reuse `window.Plotly`. This module remembers whether
 * that happened in this session.
 */

let embeddedThisSession = false;
let source: string | undefined;

/** The plotly.js bundle from node_modules, read once. */
export function plotlySource(): string {
  if (source === undefined) {
    const file = require.resolve("plotly.js-dist-min/plotly.min.js");
    // Shadowing the module loaders makes plotly's UMD header take its browser branch and set window.Plotly even
    // in the classic notebook, where RequireJS's `define` would otherwise capture it.
    source =
      "window.PlotlyConfig = window.PlotlyConfig || { MathJaxConfig: 'local' };\n" +
      "(function (define, exports, module) {\n" +
      fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script") +
      "\n}).call(window, undefined, undefined, undefined);";
  }
  return source;
}

/** Whether the next figure's HTML must carry plotly.js; marks it as carried. */
export function takeEmbeddingTurn(): boolean {
  if (embeddedThisSession) return false;
  embeddedThisSession = true;
  return true;
}

/**
 * Makes the next figure carry plotly.js again. Use it when the output that carried it is gone from the notebook
 * (cleared, or the notebook was reopened without it): figures waiting for plotly.js draw themselves as soon as a
 * new copy arrives.
 */
export function embedPlotlyAgain(): void {
  embeddedThisSession = false;
}
