import * as assert from "assert";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
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
import { JUPYTER_DISPLAY, MimeBundle, PlotlyMimeData } from "../../src/contract";
import { assertWellFormedFigure } from "./plotlyShape";

const PLOTLY_JSON = "application/vnd.plotly.v1+json";

function plotlyOf(figure: Figure): PlotlyMimeData {
  return figure.toBundle("never")[PLOTLY_JSON] as PlotlyMimeData;
}

describe("plot: figures", () => {
  // Renderers are checked on cpu; the engine the other suites chose is given back afterwards.
  let previous: string | undefined;
  before(async () => {
    previous = tf.getBackend();
    await tf.setBackend("cpu");
  });
  after(async () => {
    if (previous !== undefined) await tf.setBackend(previous);
  });

  it("bundles a figure as plotly JSON, an HTML fallback with the figure data, and a text description", () => {
    const figure = linePlot(
      { loss: [0.9, 0.5, 0.25], accuracy: [0.5, 0.75, 0.875] },
      { title: "training", xLabel: "epoch" },
    );
    const bundle = figure.toBundle("never");
    assert.deepStrictEqual(Object.keys(bundle).sort(), [PLOTLY_JSON, "text/html", "text/plain"]);
    const json = bundle[PLOTLY_JSON] as PlotlyMimeData;
    assertWellFormedFigure(json);
    assert.deepStrictEqual((json.data[0] as { y: number[] }).y, [0.9, 0.5, 0.25]);
    assert.ok(bundle["text/html"]!.includes('"y":[0.9,0.5,0.25]'), "the HTML carries the figure's data");
    assert.ok(bundle["text/html"]!.includes("Plotly.newPlot"));
    assert.strictEqual(
      bundle["text/plain"],
      'Figure "training": 2 traces\nx: epoch\n- scatter "loss": 3 points\n- scatter "accuracy": 3 points',
    );
  });

  it("refers to no external URL in a figure's HTML", () => {
    const html = linePlot([1, 2, 3]).toBundle("never")["text/html"]!;
    assert.doesNotMatch(html, /https?:|\/\/cdn|src=/i);
  });

  it("embeds plotly.js from node_modules in the session's first figure only, and again after embedPlotlyAgain()", () => {
    embedPlotlyAgain();
    const first = (linePlot([1, 2])[JUPYTER_DISPLAY]() as MimeBundle)["text/html"]!;
    const second = (linePlot([3, 4])[JUPYTER_DISPLAY]() as MimeBundle)["text/html"]!;
    assert.ok(first.includes("plotly.js v2.35.2"), "the first figure carries plotly.js");
    assert.ok(first.length > 3_000_000);
    assert.doesNotMatch(first, /<script[^>]+src=|<link[^>]+href=/i, "nothing is loaded from elsewhere");
    assert.ok(!second.includes("plotly.js v2.35.2") && second.length < 10_000, "later figures reuse window.Plotly");
    assert.match(second, /embedPlotlyAgain\(\)/, "a figure without plotly.js on the page says how to get it");
    embedPlotlyAgain();
    assert.ok((linePlot([5])[JUPYTER_DISPLAY]() as MimeBundle)["text/html"]!.includes("plotly.js v2.35.2"));
    const page = linePlot([1]).toStandaloneHtml();
    assert.ok(page.startsWith("<!DOCTYPE html>") && page.includes("plotly.js v2.35.2"));
  });

  it("keeps user text from closing the figure's <script>", () => {
    const html = linePlot([{ y: [1], name: "</script><script>alert(1)</script>" }]).toBundle("never")["text/html"]!;
    assert.doesNotMatch(html, /alert\(1\)<\/script>/);
    assert.strictEqual(html.match(/<\/script>/g)?.length, 1);
  });

  it("turns typed arrays, tensors and NaN into plain JSON", () => {
    const figure = linePlot([{ y: new Float32Array([1, NaN, 3]) }, { y: tf.tensor1d([4, 5, 6]), name: "t" }]);
    const json = plotlyOf(figure);
    assertWellFormedFigure(json);
    assert.deepStrictEqual((json.data[0] as { y: unknown[] }).y, [1, null, 3]);
    assert.deepStrictEqual((json.data[1] as { y: unknown[] }).y, [4, 5, 6]);
  });

  it("draws scatter plots with one trace per group", () => {
    const figure = scatterPlot({ x: [0, 1, 2, 3], y: [1, 0, 1, 0], groups: [7, 1, 7, 1] });
    const json = plotlyOf(figure);
    assertWellFormedFigure(json);
    assert.deepStrictEqual(
      json.data.map((t) => (t as { name: string }).name),
      ["7", "1"],
    );
    assert.deepStrictEqual((json.data[0] as { x: number[] }).x, [0, 2]);
    assert.throws(() => scatterPlot({ x: [1, 2], y: [1] }), /x has 2 values but y has 1/);
  });

  it("draws bar charts from named values", () => {
    const json = plotlyOf(barPlot({ cat: 0.7, dog: 0.3 }, { title: "p" }));
    assertWellFormedFigure(json);
    assert.deepStrictEqual(json.data[0], { type: "bar", x: ["cat", "dog"], y: [0.7, 0.3] });
    assert.throws(() => barPlot([1, 2], { labels: ["a"] }), /labels has 1 entries but there are 2 values/);
  });

  it("bins a million-value histogram here, so its bundle stays small", () => {
    const values = tf.randomNormal([1000, 1000], 0, 1, "float32", 3);
    const bundle = histogramPlot(values, { bins: 40 }).toBundle("never");
    assert.ok(JSON.stringify(bundle).length < 200_000);
    const json = bundle[PLOTLY_JSON] as PlotlyMimeData;
    assertWellFormedFigure(json);
    const counts = (json.data[0] as { y: number[] }).y;
    assert.strictEqual(counts.length, 40);
    assert.strictEqual(
      counts.reduce((a, b) => a + b, 0),
      1_000_000,
    );
    values.dispose();
  });

  it("draws a heatmap with row 0 on top, centred on 0 for signed data", () => {
    const json = plotlyOf(
      heatmapPlot(
        tf.tensor2d([
          [-1, 2],
          [3, 4],
        ]),
        { xLabels: ["a", "b"] },
      ),
    );
    assertWellFormedFigure(json);
    const trace = json.data[0] as Record<string, unknown>;
    assert.strictEqual(trace.zmid, 0);
    assert.deepStrictEqual(trace.z, [
      [-1, 2],
      [3, 4],
    ]);
    assert.strictEqual((json.layout.yaxis as { autorange: string }).autorange, "reversed");
    assert.throws(
      () => heatmapPlot([[1, 2]], { yLabels: ["a", "b"] }),
      /yLabels has 2 entries but the matrix has 1 rows/,
    );
    assert.throws(() => heatmapPlot(tf.zeros([2, 2, 2])), /rank-2 tensor/);
  });

  it("draws a confusion matrix with counts and shares, the diagonal outlined, and accuracy in the title", () => {
    const matrix = [
      [8, 2, 0],
      [1, 3, 0],
      [0, 0, 6],
    ];
    const json = plotlyOf(confusionMatrixPlot(matrix, ["cat", "dog", "bird"]));
    assertWellFormedFigure(json);
    const trace = json.data[0] as { z: number[][]; text: string[][] };
    assert.deepStrictEqual(trace.z[0], [0.8, 0.2, 0]);
    assert.strictEqual(trace.text[1][1], "3<br>75.0%");
    const shapes = json.layout.shapes as { x0: number; y0: number }[];
    assert.deepStrictEqual(
      shapes.map((s) => [s.x0 + 0.5, s.y0 + 0.5]),
      [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
    );
    assert.match((json.layout.title as { text: string }).text, /accuracy 85\.0%/);
    const counts = plotlyOf(confusionMatrixPlot(matrix, ["cat", "dog", "bird"], { normalize: false }));
    assert.deepStrictEqual((counts.data[0] as { z: number[][] }).z, matrix);
    assert.throws(() => confusionMatrixPlot([[1, 2]], ["a"]), /square matrix/);
    assert.throws(() => confusionMatrixPlot([[1]], ["a", "b"]), /labels must name the 1 classes/);
  });

  it("combines figures into subplots, each on its own axes with its title", () => {
    const confusion = confusionMatrixPlot(
      [
        [1, 0],
        [0, 1],
      ],
      ["a", "b"],
    );
    const figure = subplots([linePlot([1, 2], { title: "loss" }), confusion], { title: "run" });
    const json = plotlyOf(figure);
    assertWellFormedFigure(json);
    assert.deepStrictEqual(
      json.data.map((t) => [(t as { xaxis: string }).xaxis, (t as { yaxis: string }).yaxis]),
      [
        ["x", "y"],
        ["x2", "y2"],
      ],
    );
    assert.deepStrictEqual(json.layout.grid as { rows: number; columns: number }, {
      rows: 1,
      columns: 2,
      pattern: "independent",
      xgap: 0.15,
      ygap: 0.25,
    });
    const shapes = json.layout.shapes as { xref: string }[];
    assert.ok(shapes.length === 2 && shapes.every((s) => s.xref === "x2"), "the diagonal outline moved with its plot");
    assert.ok((json.layout.annotations as { text: string }[]).some((a) => a.text.includes("loss")));
    assert.throws(() => subplots([]), /non-empty array of figures/);
  });

  it("says what an empty plot waits for instead of drawing made-up axes", () => {
    const empty = linePlot([{ x: [], y: [], name: "validation accuracy" }], { xLabel: "epoch" });
    const layout = empty.layout as Record<string, unknown> & Record<"xaxis" | "yaxis", Record<string, unknown>>;
    assert.deepEqual(
      (layout.annotations as Array<{ text: string }>).map((note) => note.text),
      ["waiting for the first epoch…"],
    );
    for (const axis of [layout.xaxis, layout.yaxis]) assert.equal(axis.showticklabels, false);
    const drawn = linePlot([{ x: [1], y: [0.9], name: "validation accuracy" }], { xLabel: "epoch" });
    assert.equal((drawn.layout as Record<string, unknown>).annotations, undefined);
    assert.equal((drawn.layout as Record<string, Record<string, unknown>>).xaxis.showticklabels, undefined);
  });

  it("labels log axes with powers of ten, not SI prefixes (a loss of 1e-9 is not '1n')", () => {
    const figure = linePlot([1, 1e-3, 1e-9], { logY: true, logX: true });
    const layout = figure.layout as Record<string, Record<string, unknown>>;
    for (const axis of [layout.xaxis, layout.yaxis]) {
      assert.equal(axis.type, "log");
      assert.equal(axis.exponentformat, "power");
    }
    assert.equal((linePlot([1, 2]).layout as Record<string, Record<string, unknown>>).yaxis.type, undefined);
  });

  it("gives a series of the same name one colour and one legend entry across subplots", () => {
    const family = (x: number) => [
      { x: [x], y: [0.9], name: "deeper" },
      { x: [x], y: [0.8], name: "wider", color: "#000000" },
    ];
    const figure = subplots([scatterPlot(family(1), { logX: true }), scatterPlot(family(2))]);
    const traces = figure.data as Array<Record<string, unknown> & { marker: { color: string } }>;
    assert.deepEqual(
      traces.map((trace) => trace.name),
      ["deeper", "wider", "deeper", "wider"],
    );
    assert.deepEqual(
      traces.map((trace) => trace.showlegend),
      [true, true, false, false],
    );
    assert.deepEqual(
      traces.map((trace) => trace.marker.color),
      ["#1f77b4", "#000000", "#1f77b4", "#000000"],
    );
    assert.equal((figure.layout as Record<string, Record<string, unknown>>).xaxis.type, "log");
  });

  it("gives clear errors for input a plot cannot use", () => {
    assert.throws(() => linePlot("loss" as never), /linePlot\(\) expects numbers/);
    assert.throws(() => linePlot([{ y: ["a"] }] as never), /expected numbers, item 0 is a string/);
    assert.throws(() => histogramPlot([1], { bins: 0 }), /bins must be an integer/);
  });
});
