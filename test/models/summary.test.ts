import { strict as assert } from "assert";
import { lenet5, summary, cnn } from "../../src/models";
import { useBestBackend } from "../../src/engine";
import { JUPYTER_DISPLAY } from "../../src/contract";

/** [name, parameters, MACs, receptive field, jump] per layer. */
type Row = [string, number, number, number, number];

function check(rows: Row[], model = summary(lenet5())) {
  assert.deepEqual(
    model.layers.map((l) => l.name),
    rows.map((r) => r[0]),
  );
  rows.forEach(([name, parameters, macs, field, jump]) => {
    const layer = model.layer(name);
    assert.equal(layer.parameters, parameters, `${name} parameters`);
    assert.equal(layer.macs, macs, `${name} MACs`);
    assert.deepEqual(layer.receptiveField, [field, field], `${name} receptive field`);
    assert.deepEqual(layer.jump, [jump, jump], `${name} jump`);
  });
}

describe("models: summary() numbers checked by hand", () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });

  it("modern LeNet-5 (d2l layout): 61,706 parameters, 416,520 MACs, receptive fields 5-6-14-16-32", () => {
    const s = summary(lenet5({ variant: "modern" }));
    check(
      [
        // conv 6@5x5 same on 28x28x1: 6·(5·5·1)+6 weights; 28·28·6 outputs × 25 MACs; r = 1+4·1, j = 1
        ["C1", 6 * 25 + 6, 28 * 28 * 6 * 25, 5, 1],
        // max pool 2/2: r = 5+1·1, j = 1·2
        ["S2", 0, 0, 6, 2],
        // conv 16@5x5 valid on 14x14x6 -> 10x10x16: 16·150+16; 10·10·16 × 150; r = 6+4·2
        ["C3", 16 * 150 + 16, 10 * 10 * 16 * 150, 14, 2],
        ["S4", 0, 0, 16, 4],
        // flatten sees the whole 5x5 map: r = 16+4·4
        ["flatten", 0, 0, 32, 4],
        ["F5", 400 * 120 + 120, 400 * 120, 32, 4],
        ["F6", 120 * 84 + 84, 120 * 84, 32, 4],
        ["output", 84 * 10 + 10, 84 * 10, 32, 4],
      ],
      s,
    );
    assert.equal(s.totalParameters, 61706);
    assert.equal(s.trainableParameters, 61706);
    assert.equal(s.totalMacs, 117600 + 240000 + 48000 + 10080 + 840);
    assert.match(s.toString(), /61,706/);
  });

  it("classic LeNet-5: C1..F6 have the paper's 60,000 parameters (C3 with its connection table)", () => {
    const s = summary(lenet5({ variant: "classic" }));
    check(
      [
        ["pad32", 0, 0, 1, 1],
        ["C1", 156, 28 * 28 * 6 * 25, 5, 1],
        // S2: a coefficient and a bias per map; one multiplication per output
        ["S2", 2 * 6, 14 * 14 * 6, 6, 2],
        // C3: 60 connected (output, input) map pairs (6·3 + 9·4 + 1·6) of 5x5 weights, plus 16 biases
        ["C3", 60 * 25 + 16, 10 * 10 * 60 * 25, 14, 2],
        ["S4", 2 * 16, 5 * 5 * 16, 16, 4],
        // C5: 120@5x5 over 16 maps on a 5x5 input: one output position; r = 16+4·4 = 32, the padded input
        ["C5", 120 * 400 + 120, 120 * 400, 32, 4],
        ["flatten", 0, 0, 32, 4],
        ["F6", 120 * 84 + 84, 120 * 84, 32, 4],
        ["output", 84 * 10 + 10, 840, 32, 4],
      ],
      s,
    );
    const paperLayers = ["C1", "S2", "C3", "S4", "C5", "F6"].reduce((sum, n) => sum + s.layer(n).parameters, 0);
    assert.equal(paperLayers, 60000);
    assert.equal(s.totalParameters, 60850);
  });

  it("classic LeNet-5 without the connection table connects every map in C3", () => {
    const s = summary(lenet5({ variant: "classic", connectionTable: false }));
    assert.equal(s.layer("C3").parameters, 16 * 150 + 16);
  });

  it("counts strides, residual shortcuts and batch-norm statistics in a cnn()", () => {
    const s = summary(
      cnn({ depth: 2, width: 8, norm: "batch", downsample: "stride", residual: true, blocksPerStage: 1 }),
    );
    // conv1 3x3 (no bias with norm): 9·8; stride 2 in conv2 after stage 1: r = 3 + 2·1 = 5, j = 2
    assert.equal(s.layer("conv1").parameters, 72);
    assert.deepEqual(s.layer("conv2").receptiveField, [5, 5]);
    assert.deepEqual(s.layer("conv2").jump, [2, 2]);
    // batch norm: gamma, beta trainable; moving mean and variance not
    assert.equal(s.layer("norm1").parameters, 32);
    assert.equal(s.layer("norm1").trainableParameters, 16);
    assert.equal(s.totalParameters - s.trainableParameters, 2 * 8 + 2 * 16);
    assert.ok(s.layers.some((l) => l.name === "shortcut2"));
  });

  it("counts the parameters and MACs of depthwise-separable blocks in a cnn({ separable: true })", () => {
    const options = {
      depth: 3,
      width: 8,
      blocksPerStage: 3,
      head: "global" as const,
      inputShape: [16, 16, 3] as [number, number, number],
      seed: 1,
    };
    const plain = summary(cnn(options));
    const separable = summary(cnn({ ...options, separable: true }));
    // conv1 stays a full 3×3 convolution on the image: 16·16 positions · 8 filters · 9 taps · 3 channels.
    assert.equal(separable.layer("conv1").className, "Conv2D");
    assert.equal(separable.layer("conv1").macs, 256 * 8 * 9 * 3);
    for (const name of ["conv2", "conv3"]) {
      const layer = separable.layer(name);
      assert.equal(layer.className, "SeparableConv2D");
      // A 3×3 filter per channel (9·8) then 1×1 across channels (8·8), per position; weights the same plus 8 biases.
      assert.equal(layer.macs, 256 * 8 * (9 + 8), `${name} MACs`);
      assert.equal(layer.parameters, 9 * 8 + 8 * 8 + 8, `${name} parameters`);
      assert.equal(plain.layer(name).macs, 256 * 8 * 9 * 8, `${name} MACs without separable`);
      assert.deepEqual(layer.receptiveField, plain.layer(name).receptiveField);
    }
    assert.ok(separable.name.includes("separable"));
  });

  it("gives a dilated 3×3 convolution an effective size of 2·rate + 1 in cnn({ dilation })", () => {
    const s = summary(
      cnn({ depth: 3, width: 4, dilation: [1, 2, 4], blocksPerStage: 3, head: "global", inputShape: [32, 32, 1] }),
    );
    // r = 1 + 2·1, then + 2·2, then + 2·4: 3, 7, 15; no extra parameters for the dilation.
    assert.deepEqual(
      ["conv1", "conv2", "conv3"].map((name) => s.layer(name).receptiveField[0]),
      [3, 7, 15],
    );
    assert.equal(s.layer("conv2").parameters, 9 * 4 * 4 + 4);
    assert.equal(s.layer("conv3").macs, 32 * 32 * 4 * 9 * 4);
    const separableDilated = summary(
      cnn({
        depth: 3,
        width: 4,
        dilation: 2,
        separable: true,
        blocksPerStage: 3,
        head: "global",
        inputShape: [32, 32, 1],
      }),
    );
    assert.deepEqual(
      ["conv1", "conv2", "conv3"].map((name) => separableDilated.layer(name).receptiveField[0]),
      [5, 9, 13],
    );
  });

  it("cnn() says how to fix a dilation it cannot build", () => {
    assert.throws(
      () => cnn({ depth: 4, dilation: 2, downsample: "stride" }),
      /convolution 3 would both stride .* and dilate \(rate 2\).*use downsample "max" or "avg"/,
    );
    assert.throws(() => cnn({ depth: 4, dilation: [1, 2] }), /dilation lists 2 rates for 4 convolutions/);
    assert.throws(() => cnn({ depth: 2, dilation: 0 }), /dilation rates must be integers ≥ 1/);
  });

  it("displays as an HTML table and text", () => {
    const bundle = summary(lenet5())[JUPYTER_DISPLAY]() as Record<string, string>;
    assert.match(bundle["text/html"], /<table/);
    assert.match(bundle["text/html"], /receptive field/);
    assert.match(bundle["text/plain"], /total\s+61,706\s+416,520/);
  });
});
