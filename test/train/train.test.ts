import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { mnist, syntheticShapes } from "../../src/data";
import { cnn, lenet5 } from "../../src/models";
import { evaluate, train } from "../../src/train";

const HOST = Symbol.for("cnnlab.kernel");

/** A stand-in for the kernel's host object: records displays, and its signal can be aborted. */
function fakeHost() {
  const controller = new AbortController();
  const displays: { id?: string; update?: boolean; value?: unknown }[] = [];
  const host = {
    display: (value: unknown, options: { id?: string; update?: boolean } = {}) => {
      displays.push({ ...options, value });
    },
    clearOutput: () => undefined,
    signal: controller.signal,
    input: () => Promise.reject(new Error("no stdin")),
  };
  return { host, controller, displays };
}

describe("train: training loop", () => {
  after(() => {
    delete (globalThis as Record<symbol, unknown>)[HOST];
  });

  it("modern LeNet-5 on a seeded 6,000-image MNIST subset reaches ≥ 90% test accuracy in 1 epoch", async () => {
    const data = await mnist({ fast: false });
    const model = lenet5({ seed: 1 });
    const history = await train(model, data.train.subset(6000), {
      epochs: 1,
      batchSize: 32,
      seed: 1,
      quiet: true,
      fast: false,
    });
    assert.equal(history.epochs.length, 1);
    assert.equal(history.stopReason, "completed");
    const result = await evaluate(model, data.test);
    assert.ok(result.accuracy >= 0.9, `test accuracy ${result.accuracy}`);
    console.log(`      6k subset, 1 epoch: test accuracy ${(100 * result.accuracy).toFixed(2)}%`);
    model.optimizer?.dispose();
    model.dispose();
  });

  it("gives the same losses for the same seeds", async () => {
    const data = syntheticShapes({ count: 120, size: 16, seed: 2 });
    const run = async () => {
      const model = cnn({ depth: 2, width: 4, inputShape: [16, 16, 1], classes: 5, seed: 3 });
      const history = await train(model, data, { epochs: 2, batchSize: 16, seed: 4, quiet: true, fast: false });
      model.dispose();
      return history.batches.map((b) => b.loss);
    };
    const first = await run();
    assert.deepEqual(await run(), first);
  });

  it("stops within 1 s of an interrupt, returns the history so far, and leaves the model usable", async () => {
    const { host, controller, displays } = fakeHost();
    (globalThis as Record<symbol, unknown>)[HOST] = host;
    try {
      const data = syntheticShapes({ count: 4000, seed: 5 });
      const model = cnn({ depth: 2, width: 8, classes: 5, seed: 6 });
      let abortedAt = 0;
      const timer = setTimeout(() => {
        abortedAt = Date.now();
        controller.abort();
      }, 1500);
      const history = await train(model, data, { epochs: 50, batchSize: 32, seed: 7, fast: false });
      const stoppedAfter = Date.now() - abortedAt;
      clearTimeout(timer);
      assert.ok(abortedAt > 0, "training ended before the interrupt");
      assert.equal(history.stopReason, "interrupted");
      assert.ok(stoppedAfter < 1000, `stopped ${stoppedAfter} ms after the interrupt`);
      assert.ok(history.batches.length > 0);
      // One output, replaced in place: every display after the first is an update of the same id.
      assert.ok(displays.length >= 2);
      assert.ok(displays.slice(1).every((d) => d.update === true && d.id === displays[0].id));
      // Its last state says so, with the progress bar and the loss and accuracy charts under it.
      const last = (displays[displays.length - 1].value as Record<symbol, () => Record<string, string>>)[
        Symbol.for("Jupyter.display")
      ]();
      assert.match(last["text/plain"], /^interrupted \[/);
      assert.match(last["text/html"], /interrupted[\s\S]*<svg[\s\S]*loss[\s\S]*<svg[\s\S]*accuracy/);
      // The model still predicts and trains.
      const probabilities = tf.tidy(() =>
        (model.predict(data.tensors(Int32Array.of(0, 1)).xs) as tf.Tensor).sum(1).dataSync(),
      );
      assert.ok(Math.abs(probabilities[0] - 1) < 1e-4);
      delete (globalThis as Record<symbol, unknown>)[HOST];
      const again = await train(model, data.subset(64), { epochs: 1, batchSize: 32, quiet: true, fast: false });
      assert.equal(again.stopReason, "completed");
      model.dispose();
    } finally {
      delete (globalThis as Record<symbol, unknown>)[HOST];
    }
  });

  it("stops early when validation stops improving, with the best weights restored", async () => {
    const data = syntheticShapes({ count: 300, size: 16, seed: 8 });
    const model = cnn({ depth: 2, width: 8, inputShape: [16, 16, 1], classes: 5, seed: 9 });
    const history = await train(model, data, {
      epochs: 40,
      batchSize: 16,
      seed: 10,
      validation: 0.2,
      quiet: true,
      fast: false,
      learningRate: 3e-3,
      earlyStopping: { patience: 2, monitor: "validationLoss" },
    });
    assert.equal(history.stopReason, "early-stopping");
    assert.ok(history.epochs.length < 40);
    const best = Math.min(...history.epochs.map((e) => e.validationLoss!));
    assert.equal(history.epochs[history.bestEpoch! - 1].validationLoss, best);
    model.dispose();
  });

  it("says how to fix a model whose input does not fit the data", async () => {
    const data = syntheticShapes({ count: 10, size: 16 });
    await assert.rejects(
      train(lenet5(), data, { quiet: true, fast: false }),
      /expects inputs \[28,28,1\] but the images are \[16,16,1\]/,
    );
  });
});
