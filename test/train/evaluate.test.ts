import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ImageDataset, syntheticShapes } from "../../src/data";
import { JUPYTER_DISPLAY } from "../../src/contract";
import { Evaluation, evaluate, predictionChart, sweep } from "../../src/train";
import { cnn } from "../../src/models";
import { useBestBackend } from "../../src/engine";

describe("train: evaluation and sweeps", () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });

  it("computes accuracy, per-class accuracy and the confusion matrix from predictions", () => {
    const data = new ImageDataset(new Uint8Array(4), Uint8Array.of(0, 0, 1, 1), 1, 1, 1, ["cat", "dog"], "pets");
    // example 1 is a cat predicted as dog with 0.9
    const result = new Evaluation(data, Float32Array.of(0.8, 0.2, 0.1, 0.9, 0.3, 0.7, 0.4, 0.6));
    assert.equal(result.accuracy, 0.75);
    assert.deepEqual(result.perClassAccuracy, [0.5, 1]);
    assert.deepEqual(result.confusion, [
      [1, 1],
      [0, 2],
    ]);
    assert.deepEqual(result.misclassifiedIndices(), [1]);
    assert.deepEqual(
      result.topClassesOf(1, 2).map((guess) => guess.className),
      ["dog", "cat"],
    );
    assert.throws(() => result.topClassesOf(4), /topClassesOf\(4\): the example index must be an integer in 0\.\.3/);
    assert.match(result.confusionMatrix().toString(), /cat\s+1\s+1/);
    const wrong = result.misclassified();
    assert.equal(wrong.count, 1);
    assert.match(wrong.toString(), /#1 true cat: dog 0\.900, cat 0\.100/);
    assert.equal(wrong.picture().tileCount, 1);
    const shown = wrong[JUPYTER_DISPLAY]();
    assert.match(shown["text/html"] ?? "", /<img src="data:image\/png;base64,/);
    const html = (result[JUPYTER_DISPLAY]() as Record<string, string>)["text/html"];
    assert.match(html, /accuracy 75\.00%/);
  });

  it("evaluates a model and charts one prediction", async () => {
    const data = syntheticShapes({ count: 20, size: 16 });
    const model = cnn({ depth: 1, width: 4, inputShape: [16, 16, 1], classes: 5, seed: 1 });
    const result = await evaluate(model, data);
    assert.equal(result.labels.length, 20);
    const sum = result.confusion.flat().reduce((a, b) => a + b, 0);
    assert.equal(sum, 20);
    const chart = await predictionChart(model, data, 3);
    assert.equal(chart.probabilities.length, 5);
    assert.ok(Math.abs(chart.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-4);
    assert.equal(chart.trueClass, data.label(3));
    model.dispose();
  });

  it("sweeps configurations, saves rows to a file, and skips those done when resumed", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-sweep-")), "sweep.json");
    const data = {
      train: syntheticShapes({ count: 40, size: 16, seed: 1 }),
      test: syntheticShapes({ count: 20, size: 16, seed: 2 }),
      classNames: [] as string[],
    };
    let built = 0;
    // The build function and the rows see the configurations' own type, so no cast is needed to read them.
    const build = (config: { depth: number; width: number }) => {
      built++;
      return cnn({ inputShape: [16, 16, 1], classes: 5, seed: 1, ...config });
    };
    const first = await sweep([{ depth: 1, width: 4 }], data, {
      epochs: 1,
      quiet: true,
      fast: false,
      file,
      build,
      seed: 1,
    });
    assert.equal(first.rows.length, 1);
    assert.equal(first.rows[0].parameters, 4 * 9 + 4 + 16 * 16 * 4 * 5 + 5);
    const second = await sweep(
      [
        { width: 4, depth: 1 },
        { depth: 2, width: 4 },
      ],
      data,
      { epochs: 1, quiet: true, fast: false, file, build, seed: 1 },
    );
    assert.equal(built, 2, "the configuration already in the file was not trained again");
    const depths: number[] = second.rows.map((r) => r.config.depth);
    assert.deepEqual(depths, [1, 2]);
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).length, 2);
    assert.match(second.toString(), /test acc/);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it("an interrupted sweep returns the rows done", async () => {
    const controller = new AbortController();
    controller.abort();
    const data = {
      train: syntheticShapes({ count: 20, size: 16 }),
      test: syntheticShapes({ count: 10, size: 16 }),
      classNames: [],
    };
    const result = await sweep([{ depth: 1 }], data, {
      epochs: 1,
      quiet: true,
      fast: false,
      signal: controller.signal,
      build: (c) => cnn({ inputShape: [16, 16, 1], classes: 5, ...c }),
    });
    assert.equal(result.interrupted, true);
    assert.equal(result.rows.length, 0);
  });
});
