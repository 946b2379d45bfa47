import * as tf from "@tensorflow/tfjs";
import { strict as assert } from "assert";
import { useBestBackend, type BackendName } from "../../src/engine";
import { engines, requireEngine, returnToDefaultEngine } from "./engines";
import { checkGradients, randomValues, relativeError, seededRandom } from "./gradientCheck";

const tolerance = 1e-4;

const cases: Array<{
  x: [number, number, number, number];
  filter: [number, number, number, number];
  dilations: [number, number];
  pad: "same" | "valid";
}> = [
  { x: [1, 9, 9, 1], filter: [3, 3, 1, 2], dilations: [2, 2], pad: "same" },
  { x: [3, 11, 8, 3], filter: [3, 2, 3, 4], dilations: [2, 3], pad: "valid" },
  { x: [2, 7, 10, 2], filter: [2, 3, 2, 3], dilations: [3, 2], pad: "same" },
];

describe("engine: dilated convolutions train (tfjs has no gradient for them)", function () {
  this.timeout(60_000);
  returnToDefaultEngine();

  for (const engine of engines) {
    for (const c of cases) {
      it(`on ${engine}: conv2d gradients against finite differences, x [${c.x}] filter [${c.filter}] dilations [${c.dilations}] ${c.pad}`, async function () {
        requireEngine(this, engine);
        await useBestBackend({ backend: engine, quiet: true });
        const random = seededRandom(c.x[1] * 7 + c.dilations[1]);
        const x = tf.tensor4d(randomValues(random, tf.util.sizeFromShape(c.x)), c.x);
        const filter = tf.tensor4d(randomValues(random, tf.util.sizeFromShape(c.filter)), c.filter);
        // conv2d is linear in x and in the filter: a step of 1 gives exact difference quotients.
        const check = checkGradients(
          (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, c.pad, "NHWC", c.dilations),
          [x, filter],
          { random, step: 1, samples: 16 },
        );
        check.finiteDifferenceErrors.forEach((error, i) =>
          assert.ok(error <= tolerance, `${i === 0 ? "x" : "filter"} vs finite differences: ${error}`),
        );
        tf.dispose([x, filter]);
      });
    }

    it(`on ${engine}: a layer with dilationRate 2 trains, with the same step as on cpu`, async function () {
      requireEngine(this, engine);
      const random = seededRandom(81);
      const xValues = randomValues(random, 4 * 12 * 12 * 2);
      const labels = [0, 1, 1, 0];
      const step = async (on: BackendName): Promise<Float32Array[]> => {
        await useBestBackend({ backend: on, quiet: true });
        const model = tf.sequential({
          layers: [
            tf.layers.conv2d({
              inputShape: [12, 12, 2],
              filters: 3,
              kernelSize: 3,
              dilationRate: 2,
              padding: "same",
              activation: "relu",
              kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
            }),
            tf.layers.conv2d({
              filters: 2,
              kernelSize: 3,
              dilationRate: 2,
              useBias: false,
              kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
            }),
            tf.layers.flatten(),
            tf.layers.dense({
              units: 2,
              activation: "softmax",
              kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
            }),
          ],
        });
        const before = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
        model.compile({ optimizer: tf.train.sgd(0.5), loss: "sparseCategoricalCrossentropy" });
        await model.fit(tf.tensor4d(xValues, [4, 12, 12, 2]), tf.tensor1d(labels), {
          epochs: 1,
          batchSize: 4,
          verbose: 0,
          shuffle: false,
        });
        return model.getWeights().map((w, i) => Float32Array.from(w.dataSync()).map((v, j) => v - before[i][j]));
      };
      const reference = await step("cpu");
      const updates = await step(engine);
      updates.forEach((update, i) => {
        assert.ok(
          update.some((v) => v !== 0),
          `weights ${i} changed`,
        );
        assert.ok(
          relativeError(update, reference[i]) <= 1e-3,
          `weights ${i} update vs cpu: ${relativeError(update, reference[i])}`,
        );
      });
    });
  }
});

describe("engine: dilated depthwise and separable layers convolve with their dilation (tfjs-layers ignores it)", function () {
  this.timeout(60_000);
  returnToDefaultEngine();

  for (const engine of engines) {
    it(`on ${engine}: depthwiseConv2d and separableConv2d with dilationRate 2 match the dilated ops, and report the dilated output shape`, async function () {
      requireEngine(this, engine);
      await useBestBackend({ backend: engine, quiet: true });
      const random = seededRandom(17);
      const x = tf.tensor4d(randomValues(random, 2 * 9 * 8 * 3), [2, 9, 8, 3]);
      const depthwise = tf.layers.depthwiseConv2d({
        kernelSize: 3,
        dilationRate: 2,
        depthMultiplier: 2,
        padding: "valid",
        useBias: false,
      });
      const separable = tf.layers.separableConv2d({
        filters: 4,
        kernelSize: 3,
        dilationRate: 2,
        padding: "valid",
        useBias: false,
      });
      const depthwiseOutput = depthwise.apply(x) as tf.Tensor4D;
      const separableOutput = separable.apply(x) as tf.Tensor4D;
      // A dilated 3×3 window spans 5 pixels: 9 → 5 rows, 8 → 4 columns in "valid" mode.
      assert.deepEqual(depthwiseOutput.shape, [2, 5, 4, 6]);
      assert.deepEqual(depthwise.computeOutputShape([null, 9, 8, 3]), [null, 5, 4, 6]);
      const symbolic = depthwise.apply(tf.input({ shape: [9, 8, 3] })) as tf.SymbolicTensor;
      assert.deepEqual(symbolic.shape, [null, 5, 4, 6]);
      const [depthwiseKernel] = depthwise.getWeights();
      const expected = tf.depthwiseConv2d(x, depthwiseKernel as tf.Tensor4D, 1, "valid", "NHWC", 2);
      assert.ok(
        relativeError(depthwiseOutput.dataSync(), expected.dataSync()) <= 1e-5,
        "depthwise layer vs tf.depthwiseConv2d with dilation 2",
      );
      const [separableDepthwise, pointwise] = separable.getWeights();
      const separableExpected = tf.separableConv2d(
        x,
        separableDepthwise as tf.Tensor4D,
        pointwise as tf.Tensor4D,
        1,
        "valid",
        2,
      );
      assert.deepEqual(separableOutput.shape, [2, 5, 4, 4]);
      assert.ok(
        relativeError(separableOutput.dataSync(), separableExpected.dataSync()) <= 1e-5,
        "separable layer vs tf.separableConv2d with dilation 2",
      );
      tf.dispose([x, depthwiseOutput, separableOutput, expected, separableExpected]);
      depthwise.dispose();
      separable.dispose();
    });
  }
});
