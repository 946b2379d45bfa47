import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { syntheticShapes } from "../../src/data";
import { cnn, lenet5, loadModel, saveModel } from "../../src/models";
import { train } from "../../src/train";

const shapes = syntheticShapes({ count: 96, size: 28, seed: 3 });

async function trained(build: () => tf.LayersModel): Promise<tf.LayersModel> {
  const model = build();
  await train(model, shapes, { epochs: 1, batchSize: 32, seed: 4, quiet: true, fast: false });
  return model;
}

function predictions(model: tf.LayersModel): Float32Array {
  return tf.tidy(() => {
    const { xs } = shapes.take(8);
    return (model.predict(xs) as tf.Tensor).dataSync() as Float32Array;
  });
}

describe("models: saveModel and loadModel", function () {
  this.timeout(120_000);
  let directory: string;
  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "cnnlab-model-"));
  });
  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  const builds: Array<[string, () => tf.LayersModel]> = [
    ["modern LeNet-5", () => lenet5({ classes: 5, seed: 1 })],
    [
      "classic LeNet-5 (C3 connection table, trainable subsampling)",
      () => lenet5({ variant: "classic", classes: 5, seed: 1 }),
    ],
    ["cnn() with batch norm", () => cnn({ depth: 2, width: 4, classes: 5, norm: "batch", seed: 1 })],
    ["cnn() with group norm", () => cnn({ depth: 2, width: 4, classes: 5, norm: "group", seed: 1 })],
    ["cnn() with instance norm", () => cnn({ depth: 2, width: 4, classes: 5, norm: "instance", seed: 1 })],
  ];
  for (const [name, build] of builds) {
    it(`a trained ${name} predicts exactly the same after a round trip, and trains on alike`, async () => {
      const model = await trained(build);
      const before = predictions(model);
      const target = path.join(directory, "saved");
      const saved = await saveModel(model, target);
      assert.deepEqual(fs.readdirSync(target).sort(), [...saved.files].sort());
      const loaded = await loadModel(target);
      assert.deepEqual(
        loaded.layers.map((layer) => layer.getClassName()),
        model.layers.map((layer) => layer.getClassName()),
      );
      assert.deepEqual(predictions(loaded), before);
      assert.ok(loaded.optimizer !== undefined, "loaded compiled, ready to train on");
      // The optimiser's state came along: one more epoch moves both models alike (to float rounding: the native
      // step's threads may add in another order).
      for (const copy of [model, loaded])
        await train(copy, shapes, { epochs: 1, batchSize: 32, seed: 5, quiet: true, fast: false });
      const [continued, original] = [predictions(loaded), predictions(model)];
      const largest = Math.max(...continued.map((value, i) => Math.abs(value - original[i])));
      assert.ok(largest < 1e-5, `predictions differ by ${largest} after one more epoch`);
      model.dispose();
      loaded.dispose();
    });
  }

  it("leaves a directory that holds files alone unless overwrite is given, and then keeps one weights file", async () => {
    const model = lenet5({ classes: 5, seed: 2 });
    fs.writeFileSync(path.join(directory, "notes.txt"), "mine");
    await assert.rejects(
      saveModel(model, directory),
      /already holds notes\.txt; nothing was written\. Pass \{ overwrite: true \}/,
    );
    assert.deepEqual(fs.readdirSync(directory), ["notes.txt"]);
    const target = path.join(directory, "model");
    await saveModel(model, target);
    await assert.rejects(saveModel(model, target), /already holds model\.json/);
    model.setWeights(model.getWeights().map((weight) => tf.add(weight, 1)));
    await saveModel(model, target, { overwrite: true });
    assert.equal(fs.readdirSync(target).filter((name) => name.endsWith(".bin")).length, 1);
    assert.deepEqual(predictions(await loadModel(target)), predictions(model));
    model.dispose();
  });

  it("names the problem for a missing directory, corrupt model.json, truncated weights and an unknown layer", async () => {
    await assert.rejects(loadModel(path.join(directory, "nowhere")), /does not exist; save a model there first/);
    await assert.rejects(loadModel(directory), /has no model\.json; it is not a saved model/);
    const model = lenet5({ classes: 5, seed: 2 });
    const target = path.join(directory, "model");
    const { files } = await saveModel(model, target);
    const manifestFile = path.join(target, "model.json");
    const manifest = fs.readFileSync(manifestFile, "utf8");
    const weightsFile = path.join(target, files[1]);
    const weights = fs.readFileSync(weightsFile);
    fs.writeFileSync(weightsFile, weights.subarray(0, weights.length - 100));
    await assert.rejects(
      loadModel(target),
      new RegExp(
        `are ${weights.length - 100} bytes but model\\.json describes ${weights.length}; the weights file is truncated`,
      ),
    );
    fs.writeFileSync(weightsFile, weights);
    fs.writeFileSync(manifestFile, manifest.slice(0, 50));
    await assert.rejects(loadModel(target), /model\.json is not valid JSON .*; save the model again/);
    fs.writeFileSync(manifestFile, manifest.replace('"class_name":"Conv2D"', '"class_name":"MyConv"'));
    await assert.rejects(loadModel(target), /uses the layer class MyConv, which neither tfjs nor cnnlab defines/);
    model.dispose();
  });
});
