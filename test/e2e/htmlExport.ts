/**
 * `jupyter nbconvert --to html` of an executed notebook, and what that file shows when opened in Chromium with no
 * network at all: the way a student reads an exported lesson on a train.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";

import { launchChromium } from "./chromium";

/** Converts `notebookPath` into `outputDir/<stem>.html` with the project's nbconvert; returns the HTML path. */
export function exportToHtml(repositoryRoot: string, notebookPath: string, outputDir: string): string {
  mkdirSync(outputDir, { recursive: true });
  const jupyter = join(repositoryRoot, ".venv", "bin", "jupyter");
  const result = spawnSync(jupyter, ["nbconvert", "--to", "html", "--output-dir", outputDir, notebookPath], {
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`nbconvert failed (${result.status ?? result.error?.message}):\n${result.stderr}`);
  }
  return join(outputDir, `${basename(notebookPath, ".ipynb")}.html`);
}

export interface OfflineView {
  /** Plotly figures drawn as SVG. */
  plotlyFigures: number;
  /** Uncaught errors in the page (a figure whose script failed shows up here). */
  pageErrors: string[];
  /** Requests that were refused because they were not for local files. */
  blockedRequests: string[];
}

/**
 * Opens an exported HTML file with every non-file request refused.
 * @param simulateRequireJs answer the template's require.js request with a minimal AMD `define`, as a student who is
 *   online gets from the CDN: scripts that register themselves as AMD modules when `define.amd` exists then no
 *   longer set their browser global.
 */
export async function viewOffline(htmlPath: string, screenshotPath: string, simulateRequireJs = false): Promise<OfflineView> {
  const chromium = await launchChromium((url) => url.startsWith("file:"));
  try {
    if (simulateRequireJs) {
      await chromium.context.route(/require(\.min)?\.js$/, (route) =>
        route.fulfill({
          contentType: "text/javascript",
          body: "window.define = function () {}; window.define.amd = {}; window.require = function () {};",
        }),
      );
    }
    const page = await chromium.context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load", timeout: 60_000 });
    // plotly draws right after its script runs; give late figures a moment.
    await page.waitForTimeout(1000);
    const plotlyFigures = await page.$$eval(".js-plotly-plot", (plots) =>
      plots.filter((plot) => plot.querySelector("svg.main-svg")).length,
    );
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return { plotlyFigures, pageErrors, blockedRequests: [...chromium.blockedRequests] };
  } finally {
    await chromium.close();
  }
}
