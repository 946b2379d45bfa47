/**
 * `jupyter nbconvert --to html` of an executed notebook, and what that file shows when opened in Chromium with no
 * network at all: the way a student reads an exported lesson on a train.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";

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
export async function viewOffline(
  htmlPath: string,
  screenshotPath: string,
  simulateRequireJs = false,
): Promise<OfflineView> {
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
    const plotlyFigures = await page.$$eval(
      ".js-plotly-plot",
      (plots) => plots.filter((plot) => plot.querySelector("svg.main-svg")).length,
    );
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return { plotlyFigures, pageErrors, blockedRequests: [...chromium.blockedRequests] };
  } finally {
    await chromium.close();
  }
}

/**
 * What nbconvert's template loads from CDNs for a notebook saved with widget state: the widget renderer (unpkg) and
 * require.js (cdnjs). The same files as npm packages, pinned: the versions a reader online gets today.
 */
const widgetRenderer = { name: "@jupyter-widgets/html-manager", version: "1.0.15" };
const requireJs = { name: "requirejs", version: "2.3.7" };

/** An npm package unpacked under `cacheDir` (fetched with `npm pack` from the registry on first use). */
function unpackedPackage(cacheDir: string, pkg: { name: string; version: string }): string {
  const folder = join(cacheDir, `${pkg.name.replace("/", "+")}@${pkg.version}`);
  if (existsSync(join(folder, "package.json"))) return folder;
  const scratch = `${folder}.download`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const packed = spawnSync("npm", ["pack", `${pkg.name}@${pkg.version}`, "--pack-destination", scratch], {
    encoding: "utf8",
  });
  const tarball = readdirSync(scratch).find((file) => file.endsWith(".tgz"));
  if (packed.status !== 0 || tarball === undefined) {
    throw new Error(
      `npm pack ${pkg.name}@${pkg.version} failed (the test needs the npm registry once): ${packed.stderr}`,
    );
  }
  const unpacked = spawnSync("tar", ["xzf", join(scratch, tarball), "-C", scratch], { encoding: "utf8" });
  if (unpacked.status !== 0) throw new Error(`could not unpack ${tarball}: ${unpacked.stderr}`);
  rmSync(folder, { recursive: true, force: true });
  renameSync(join(scratch, "package"), folder);
  rmSync(scratch, { recursive: true, force: true });
  return folder;
}

/**
 * Opens an exported HTML file as a reader who is online sees it: the widget renderer and require.js answered from
 * pinned npm packages, every other network request refused. Calls `inspect` on the page once the widgets drew.
 */
export async function viewWithWidgets<T>(
  htmlPath: string,
  cacheDir: string,
  screenshotPath: string,
  inspect: (page: Page) => Promise<T>,
): Promise<{ result: T; pageErrors: string[] }> {
  const renderer = unpackedPackage(cacheDir, widgetRenderer);
  const requireJsFolder = unpackedPackage(cacheDir, requireJs);
  const chromium = await launchChromium((url) => url.startsWith("file:"));
  try {
    await chromium.context.route(
      /^https:\/\/unpkg\.com\/@jupyter-widgets\/html-manager@[^/]*\/dist\/(.+)$/,
      (route) => {
        const file = new URL(route.request().url()).pathname.replace(/^.*\/dist\//, "");
        return route.fulfill({ path: join(renderer, "dist", file) });
      },
    );
    await chromium.context.route(/require(\.min)?\.js$/, (route) =>
      route.fulfill({ path: join(requireJsFolder, "require.js"), contentType: "text/javascript" }),
    );
    const page = await chromium.context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load", timeout: 60_000 });
    await page.waitForSelector(".widget-output", { timeout: 30_000 });
    const result = await inspect(page);
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return { result, pageErrors };
  } finally {
    await chromium.close();
  }
}
