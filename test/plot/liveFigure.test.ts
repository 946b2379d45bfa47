import * as assert from "assert";
import { embedPlotlyAgain, LiveFigure, liveFigure, linePlot } from "../../src/plot";
import { LiveOutput } from "../../src/display/liveOutput";
import { PlotlyMimeData } from "../../src/contract";
import { installFakeHost } from "../display/fakeHost";

describe("plot: live figures", () => {
  let host: ReturnType<typeof installFakeHost>;
  beforeEach(() => {
    host = installFakeHost();
  });
  afterEach(() => {
    host.remove();
  });

  it("puts plotly.js in an output of its own, so in-place updates never carry or drop it", () => {
    embedPlotlyAgain();
    const live = liveFigure(linePlot([1]));
    live.finish(linePlot([1, 2]));
    const [loader, figure, final] = host.sent;
    assert.ok(loader.bundle!["text/html"]!.includes("plotly.js v2.35.2"));
    assert.strictEqual(loader.options?.update, false);
    assert.ok(!figure.bundle!["text/html"]!.includes("plotly.js v2.35.2"));
    assert.notStrictEqual(figure.options?.id, loader.options?.id);
    assert.deepStrictEqual(final.options, { id: figure.options?.id, update: true });
    assert.ok(!final.bundle!["text/html"]!.includes("plotly.js v2.35.2"));
  });

  it("redraws in place at most 5 times per second and always sends the final figure", () => {
    let now = 0;
    const live = new LiveFigure(linePlot([0]), new LiveOutput({ now: () => now }));
    const before = host.sent.length;
    const losses: number[] = [];
    for (let step = 0; step < 200; step++) {
      now += 5; // 200 steps in one second
      losses.push(1 / (step + 1));
      live.update(linePlot({ loss: losses }));
    }
    live.finish();
    const sent = host.sent.slice(before - 1);
    assert.ok(sent.length <= 1 + 5 + 1, `sent ${sent.length} outputs`);
    const last = sent[sent.length - 1];
    const figure = last.bundle!["application/vnd.plotly.v1+json"] as PlotlyMimeData;
    assert.strictEqual((figure.data[0] as { y: number[] }).y.length, 200, "the final figure has every point");
    assert.ok(sent.slice(1).every((s) => s.options?.update === true && s.options.id === sent[0].options?.id));
  });

  it("rejects a value that is not a Figure", () => {
    assert.throws(() => liveFigure({ data: [] } as never), /expects a Figure/);
  });
});
