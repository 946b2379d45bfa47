import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Page } from "playwright-core";
import {
  barPlot,
  confusionMatrixPlot,
  embedPlotlyAgain,
  Figure,
  heatmapPlot,
  histogramPlot,
  linePlot,
  scatterPlot,
  subplots,
} from "../../src/plot";
import { plotlySource } from "../../src/plot/plotlyScript";
import { JUPYTER_DISPLAY, MimeBundle } from "../../src/contract";
import { launchChromium, ChromiumSession } from "../e2e/chromium";

function allCharts(): Figure[] {
  return [
    linePlot({ loss: [1, 0.5, 0.2], accuracy: [0.4, 0.7, 0.9] }, { title: "training", xLabel: "epoch" }),
    scatterPlot({ x: [0, 1, 2, 3], y: [1, 0, 1, 0], groups: ["a", "b", "a", "b"], labels: ["p", "q", "r", "s"] }),
    barPlot({ cat: 0.7, dog: 0.3 }),
    histogramPlot(
      Array.from({ length: 500 }, (_, i) => Math.sin(i)),
      { bins: 20 },
    ),
    heatmapPlot(
      [
        [-1, 2],
        [3, -4],
      ],
      { xLabels: ["a", "b"], yLabels: ["c", "d"] },
    ),
    confusionMatrixPlot(
      [
        [5, 1],
        [2, 7],
      ],
      ["cat", "dog"],
    ),
    subplots([
      linePlot({ loss: [1, 0.5, 0.2] }, { title: "loss" }),
      confusionMatrixPlot(
        [
          [5, 1],
          [2, 7],
        ],
        ["cat", "dog"],
      ),
    ]),
  ];
}

/** Plotly.validate's complaints about every figure on the page, and how many figures were drawn. */
async function inspectPage(page: Page): Promise<{ drawn: number; problems: unknown[] }> {
  return page.evaluate(() => {
    const plotly = (window as unknown as { Plotly: { validate(d: unknown, l: unknown): unknown[] | undefined } })
      .Plotly;
    const figures = Array.from(document.querySelectorAll(".cnnlab-figure")) as unknown as {
      data: unknown;
      layout: unknown;
    }[];
    return {
      drawn:
        document.querySelectorAll(".cnnlab-figure .main-svg").length > 0
          ? figures.filter((f) => (f as unknown as Element).querySelector(".main-svg")).length
          : 0,
      problems: figures.flatMap((f) => plotly.validate(f.data, f.layout) ?? []),
    };
  });
}

describe("plot: figures in a real browser without internet @slow", function () {
  this.timeout(120_000);
  let session: ChromiumSession;
  let directory: string;

  before(async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-plot-"));
    session = await launchChromium((url) => url.startsWith("file://"));
  });
  after(async () => {
    await session?.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  async function open(name: string, html: string): Promise<Page> {
    const file = path.join(directory, name);
    fs.writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${html}</body></html>`);
    const page = await session.context.newPage();
    await page.goto(`file://${file}`);
    return page;
  }

  it("draws every chart from notebook outputs (plotly.js in the first one only), and plotly.js validates them", async () => {
    embedPlotlyAgain();
    const charts = allCharts();
    const html = charts.map((chart) => (chart[JUPYTER_DISPLAY]() as MimeBundle)["text/html"]).join("\n");
    const page = await open("outputs.html", html);
    await page.waitForFunction(
      (count) => document.querySelectorAll(".cnnlab-figure .main-svg").length >= count,
      charts.length,
      {
        timeout: 30_000,
      },
    );
    const { drawn, problems } = await inspectPage(page);
    assert.strictEqual(drawn, charts.length);
    assert.deepStrictEqual(problems, []);
    assert.deepStrictEqual(session.blockedRequests, [], "nothing was fetched from the network");
  });

  it("tells why a figure is blank when plotly.js is missing, and draws it once plotly.js arrives", async () => {
    const later = linePlot([1, 2, 3]).toBundle("never")["text/html"]!;
    const page = await open("reopened.html", later);
    await page.waitForSelector("text=embedPlotlyAgain()", { timeout: 10_000 });
    await page.addScriptTag({ content: plotlySource() });
    await page.waitForSelector(".cnnlab-figure .main-svg", { timeout: 10_000 });
    assert.strictEqual(await page.locator("text=embedPlotlyAgain()").count(), 0, "the note is gone");
  });

  it("shows an empty plot as 'waiting for the first epoch…' with no made-up tick labels", async () => {
    embedPlotlyAgain();
    const empty = linePlot([{ x: [], y: [], name: "validation accuracy" }], { xLabel: "epoch" });
    const page = await open("empty.html", (empty[JUPYTER_DISPLAY]() as MimeBundle)["text/html"]!);
    await page.waitForSelector(".cnnlab-figure .main-svg", { timeout: 30_000 });
    const shown = await page.evaluate(() => ({
      notes: Array.from(document.querySelectorAll(".annotation-text")).map((note) => note.textContent),
      ticks: Array.from(document.querySelectorAll(".xtick text, .ytick text")).map((tick) => tick.textContent),
    }));
    assert.deepStrictEqual(shown, { notes: ["waiting for the first epoch…"], ticks: [] });
    // An empty trace is invisible by definition; what matters here is that plotly.js accepts the layout.
    const { problems } = await inspectPage(page);
    assert.deepStrictEqual(
      problems.filter((problem) => (problem as { container?: string }).container === "layout"),
      [],
    );
  });

  it("draws a standalone figure page", async () => {
    const page = await open("standalone.html", "");
    await page.setContent(
      confusionMatrixPlot(
        [
          [5, 1],
          [2, 7],
        ],
        ["cat", "dog"],
      ).toStandaloneHtml(),
    );
    await page.waitForSelector(".cnnlab-figure .main-svg", { timeout: 30_000 });
    assert.ok((await page.locator(".cnnlab-figure .hm").count()) >= 1, "the heatmap was drawn");
  });
});
