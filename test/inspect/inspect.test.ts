import { strict as assert } from "assert";
import * as tf from "@tensorflow/tfjs";
import { syntheticImage, syntheticShapes } from "../../src/data";
import { JUPYTER_DISPLAY } from "../../src/contract";
import { useBestBackend } from "../../src/engine";
import { showFilters } from "../../src/display";
import { activations, gradientNorms, receptiveField } from "../../src/inspect";
import { cnn, lenet5, summary } from "../../src/models";

describe("inspect: looking inside a model", () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });

  it("activations() gives every spatial layer's feature maps, or the one asked for", async () => {
    const model = lenet5({ seed: 1 });
    const image = syntheticImage("cross", 28);
    const all = await activations(model, image);
    assert.deepEqual(
      all.layers.map((l) => l.layer),
      ["C1", "S2", "C3", "S4"],
    );
    assert.deepEqual(all.layers[2].values.shape, [10, 10, 16]);
    const bundle = all[JUPYTER_DISPLAY]() as Record<string, string>;
    assert.equal((bundle["text/html"].match(/<img /g) ?? []).length, 4);
    const one = await activations(model, image, "C1");
    assert.deepEqual(one.layers[0].values.shape, [28, 28, 6]);
    assert.ok(typeof (one[JUPYTER_DISPLAY]() as Record<string, string>)["image/png"] === "string");
    await assert.rejects(activations(model, image, "C9"), /no layer "C9"; its layers are C1, S2/);
    all.dispose();
    one.dispose();
    image.dispose();
  });

  it("showFilters() of a model draws one tile per first-layer filter, titled with the layer", () => {
    const grid = showFilters(lenet5(), { layer: "C1" });
    assert.equal(grid.tileCount, 6);
    assert.match(grid.toString(), /C1: 6 filters 5×5 over 1 input channel/);
    assert.equal(showFilters(lenet5()).tileCount, 6);
    assert.throws(
      () => showFilters(lenet5(), { layer: "S2" }),
      /layer "S2" \(MaxPooling2D\) has no convolution kernel/,
    );
    assert.throws(() => showFilters(lenet5(), { layer: "C9" }), /no layer "C9"; its layers are C1, S2/);
  });

  it("gradientNorms() shows vanishing gradients in a deep sigmoid net, not with ReLU + batch norm", async () => {
    const data = syntheticShapes({ count: 64, seed: 1 });
    const ratio = async (options: Parameters<typeof cnn>[0]) => {
      const model = cnn({ depth: 8, width: 8, classes: 5, seed: 1, ...options });
      const kernels = (await gradientNorms(model, data)).byLayer.filter((l) => l.layer.startsWith("conv"));
      model.dispose();
      return kernels[0].norm / kernels[kernels.length - 1].norm;
    };
    const sigmoid = await ratio({ activation: "sigmoid" });
    const normalised = await ratio({ activation: "relu", norm: "batch" });
    assert.ok(sigmoid < 1e-3, `sigmoid first/last gradient ratio ${sigmoid}`);
    assert.ok(normalised > 1e-2, `relu + batch norm first/last gradient ratio ${normalised}`);
  });

  it("gradientNorms() leaves batch-norm statistics unchanged", async () => {
    const model = cnn({ depth: 2, width: 4, classes: 5, norm: "batch", seed: 2 });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    await gradientNorms(model, syntheticShapes({ count: 16 }));
    model.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), before[i]));
    model.dispose();
  });

  it("receptiveField(): the measured field equals the analytic one in a linear net", async () => {
    const model = cnn({ depth: 2, width: 4, activation: "linear", downsample: "avg", blocksPerStage: 1, seed: 2 });
    // conv 3x3: 3; avg pool 2: 3 + 1·1 = 4, jump 2; conv 3x3: 4 + 2·2 = 8
    for (const [layer, size] of [
      ["conv1", 3],
      ["pool1", 4],
      ["conv2", 8],
    ] as const) {
      const field = await receptiveField(model, layer);
      assert.deepEqual(field.size, [size, size]);
      assert.deepEqual(field.empiricalSize, [size, size], `${layer}: ${field.toString()}`);
      assert.deepEqual(field.heatmap.shape, [28, 28]);
      field.dispose();
    }
    assert.deepEqual(summary(model).layer("conv2").receptiveField, [8, 8]);
    model.dispose();
  });

  it("receptiveField(): dilated and separable convolutions see as far as summary() says", async () => {
    for (const separable of [false, true]) {
      const model = cnn({
        depth: 3,
        width: 4,
        dilation: [1, 2, 4],
        separable,
        activation: "linear",
        blocksPerStage: 3,
        head: "global",
        inputShape: [32, 32, 1],
        seed: 4,
      });
      for (const [layer, size] of [
        ["conv1", 3],
        ["conv2", 7],
        ["conv3", 15],
      ] as const) {
        const field = await receptiveField(model, layer);
        assert.deepEqual(field.size, [size, size]);
        assert.deepEqual(
          field.empiricalSize,
          [size, size],
          `${separable ? "separable " : ""}${layer}: ${field.toString()}`,
        );
        field.dispose();
      }
      model.dispose();
    }
  });

  it("receptiveField() of LeNet's C3 covers 14×14 input pixels", async () => {
    const field = await receptiveField(lenet5({ seed: 1 }), "C3");
    assert.deepEqual(field.size, [14, 14]);
    assert.ok(field.empiricalSize[0] <= 14 && field.empiricalSize[0] >= 10, field.toString());
    assert.ok(typeof (field[JUPYTER_DISPLAY]() as Record<string, string>)["image/png"] === "string");
    tf.dispose(field.heatmap);
  });
});
