import { strict as assert } from "assert";
import { TrainingHistory } from "../../src/train/history";

/** The SVG charts of an HTML fragment, one string each. */
function charts(html: string): string[] {
  return html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
}

/** The plot area (the first framed rectangle) of one chart. */
function plotArea(svg: string): { top: number; bottom: number } {
  const [, y, height] = /<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/.exec(svg)!;
  return { top: Number(y), bottom: Number(y) + Number(height) };
}

/** WCAG's contrast ratio of a #rrggbb colour against white. */
function contrastOnWhite(color: string): number {
  const channel = (i: number) => {
    const c = parseInt(color.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

describe("train: the dashboard's loss and accuracy charts", () => {
  it("before the first batch, shows the run's epochs and says what it waits for", () => {
    const [loss, accuracy] = charts(new TrainingHistory().chartsHtml({ epochs: 15 }));
    for (const chart of [loss, accuracy]) {
      assert.match(chart, /waiting for the first batch…/);
      const xTicks = [...chart.matchAll(/text-anchor="middle">([\d.]+)<\/text>/g)].map((match) => Number(match[1]));
      assert.equal(Math.min(...xTicks), 0);
      assert.equal(Math.max(...xTicks), 15);
    }
    const yTicks = (chart: string) => [...chart.matchAll(/text-anchor="end"[^>]*>([^<]+)</g)].map((m) => m[1]);
    assert.deepEqual(yTicks(loss), [], "no made-up loss scale");
    assert.deepEqual([yTicks(accuracy)[0], yTicks(accuracy).at(-1)], ["0", "1"], "accuracy spans 0 to 1");
  });

  it("keeps the legend above the curves, in colours that stand out on white", () => {
    const history = new TrainingHistory();
    for (let batch = 1; batch <= 20; batch++) {
      history.batches.push({ epoch: batch / 10, loss: 2 / batch, accuracy: 1 - 1 / batch });
    }
    history.epochs.push(
      {
        epoch: 1,
        loss: 0.3,
        accuracy: 0.9,
        validationLoss: 0.2,
        validationAccuracy: 0.95,
        seconds: 1,
        imagesPerSecond: 1,
      },
      {
        epoch: 2,
        loss: 0.1,
        accuracy: 0.97,
        validationLoss: 0.1,
        validationAccuracy: 0.98,
        seconds: 1,
        imagesPerSecond: 1,
      },
    );
    for (const chart of charts(history.chartsHtml({ epochs: 2 }))) {
      assert.doesNotMatch(chart, /waiting/);
      const area = plotArea(chart);
      const names = ["train (batch)", "train", "validation"];
      for (const name of names) {
        const entry = new RegExp(`<text x="[\\d.]+" y="([\\d.]+)"[^>]*>${name.replace(/[()]/g, "\\$&")}</text>`).exec(
          chart,
        );
        assert.ok(entry, `a legend entry "${name}"`);
        assert.ok(Number(entry[1]) < area.top, `"${name}" at y=${entry[1]} sits above the plot area (top ${area.top})`);
      }
      const colors = new Set([...chart.matchAll(/stroke="(#[0-9a-f]{6})" stroke-width="1.6"/g)].map((m) => m[1]));
      assert.equal(colors.size, 3, "three curves in three colours");
      for (const color of colors)
        assert.ok(contrastOnWhite(color) >= 3, `${color}: ${contrastOnWhite(color).toFixed(2)}:1`);
    }
  });
});
