import * as tf from "@tensorflow/tfjs";
import { strict as assert } from "assert";
import { useBestBackend } from "../../src/engine";
import { groupNormalization, instanceNormalization } from "../../src/models";
import { requireEngine, returnToDefaultEngine, trainingEngines, type Engine } from "./engines";
import {
  checkLayerGradients,
  distinctValues,
  randomValues,
  relativeError,
  seededRandom,
  type LayerGradientCheck,
} from "./gradientCheck";

/**
 * How a case's input is drawn and how far finite differences step:
 * - "linear": uniform values; the layer is linear in its input and in each weight, so a step of 1 is exact.
 * - "maximum": distinct integers; a step of 0.25 never changes which value of a window is largest.
 * - "piecewise": a grid of distinct values 0.1 apart, offset by 0.05 from every multiple of 0.1, so no value is
 *   within a step of a kink (ReLU's 0, ReLU6's 6, hard sigmoid's ±2.5, thresholded ReLU's 1).
 * - "smooth": uniform values and a small step.
 */
type InputKind = "linear" | "maximum" | "piecewise" | "smooth";

interface LayerCase {
  name: string;
  layer: () => tf.layers.Layer;
  /** Input shape without the batch axis: odd heights and widths, so strides and "same" padding meet uneven edges. */
  shape: number[];
  kind: InputKind;
  /** Apply the layer in training mode (default true). */
  training?: boolean;
}

const spatial = [7, 5, 2];
const wide = [7, 5, 4];
const step: Record<InputKind, number> = { linear: 1, maximum: 0.25, piecewise: 1e-2, smooth: 1e-2 };
// Exact difference quotients agree to float32 rounding; smooth ones also carry the O(step²) truncation error.
const finiteDifferenceTolerance: Record<InputKind, number> = {
  linear: 1e-4,
  maximum: 1e-4,
  piecewise: 2e-3,
  smooth: 2e-3,
};
const crossEngineTolerance = 1e-4;

const activations = [
  "elu",
  "hardSigmoid",
  "linear",
  "relu",
  "relu6",
  "selu",
  "sigmoid",
  "softmax",
  "softplus",
  "softsign",
  "tanh",
  "swish",
  "mish",
  "gelu",
  "gelu_new",
] as const;

const cases: LayerCase[] = [
  ...[
    { strides: 1, padding: "same", dilationRate: 1 },
    { strides: 2, padding: "same", dilationRate: 1 },
    { strides: 2, padding: "valid", dilationRate: 1 },
    { strides: 1, padding: "same", dilationRate: 2 },
    { strides: 1, padding: "valid", dilationRate: 2 },
  ].map(({ strides, padding, dilationRate }) => ({
    name: `conv2d 3×3 stride ${strides} dilation ${dilationRate} "${padding}"`,
    layer: () =>
      tf.layers.conv2d({ filters: 3, kernelSize: 3, strides, padding: padding as "same" | "valid", dilationRate }),
    shape: spatial,
    kind: "linear" as const,
  })),
  {
    name: "conv2d 3×3 dilation 2 in inference mode (a loop of optimizer.minimize(() => loss(model.predict(x))))",
    layer: () => tf.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: "same" }),
    shape: spatial,
    kind: "linear",
    training: false,
  },
  {
    name: "conv2d 2×3 kernel, strides [2, 1]",
    layer: () => tf.layers.conv2d({ filters: 3, kernelSize: [2, 3], strides: [2, 1], padding: "same" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'depthwiseConv2d 3×3 multiplier 2 "same"',
    layer: () => tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'depthwiseConv2d 3×3 stride 2 "valid"',
    layer: () => tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: "valid" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'depthwiseConv2d 3×3 dilation 2 "same"',
    layer: () => tf.layers.depthwiseConv2d({ kernelSize: 3, dilationRate: 2, padding: "same" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'separableConv2d 3×3 "same"',
    layer: () => tf.layers.separableConv2d({ filters: 3, kernelSize: 3, padding: "same" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'separableConv2d 3×3 stride 2 multiplier 2 "valid"',
    layer: () =>
      tf.layers.separableConv2d({ filters: 3, kernelSize: 3, strides: 2, depthMultiplier: 2, padding: "valid" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'separableConv2d 3×3 dilation 2 "same"',
    layer: () => tf.layers.separableConv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: "same" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'conv2dTranspose 3×3 stride 2 "same"',
    layer: () => tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: "same" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'conv2dTranspose 3×3 stride 2 "valid"',
    layer: () => tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: "valid" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'maxPooling2d 2×2 stride 2 "valid"',
    layer: () => tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: "valid" }),
    shape: spatial,
    kind: "maximum",
  },
  {
    name: 'maxPooling2d 3×3 stride 2 "same"',
    layer: () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }),
    shape: spatial,
    kind: "maximum",
  },
  {
    name: 'averagePooling2d 2×2 stride 2 "valid"',
    layer: () => tf.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: "valid" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: 'averagePooling2d 3×3 stride 2 "same"',
    layer: () => tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }),
    shape: spatial,
    kind: "linear",
  },
  { name: "globalMaxPooling2d", layer: () => tf.layers.globalMaxPooling2d({}), shape: spatial, kind: "maximum" },
  { name: "globalAveragePooling2d", layer: () => tf.layers.globalAveragePooling2d({}), shape: spatial, kind: "linear" },
  {
    name: "upSampling2d [2, 3] nearest",
    layer: () => tf.layers.upSampling2d({ size: [2, 3] }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: "upSampling2d [2, 2] bilinear",
    layer: () => tf.layers.upSampling2d({ size: [2, 2], interpolation: "bilinear" }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: "zeroPadding2d [[1, 2], [0, 1]]",
    layer: () =>
      tf.layers.zeroPadding2d({
        padding: [
          [1, 2],
          [0, 1],
        ],
      }),
    shape: spatial,
    kind: "linear",
  },
  {
    name: "cropping2D [[1, 0], [2, 1]]",
    layer: () =>
      tf.layers.cropping2D({
        cropping: [
          [1, 0],
          [2, 1],
        ],
      }),
    shape: spatial,
    kind: "linear",
  },
  { name: "batchNormalization (training)", layer: () => tf.layers.batchNormalization({}), shape: wide, kind: "smooth" },
  { name: "layerNormalization", layer: () => tf.layers.layerNormalization({}), shape: wide, kind: "smooth" },
  { name: "groupNormalization, 2 groups", layer: () => groupNormalization({ groups: 2 }), shape: wide, kind: "smooth" },
  { name: "instanceNormalization", layer: () => instanceNormalization({}), shape: wide, kind: "smooth" },
  { name: "dropout 0.4 (seeded)", layer: () => tf.layers.dropout({ rate: 0.4, seed: 7 }), shape: wide, kind: "linear" },
  { name: "dense", layer: () => tf.layers.dense({ units: 3 }), shape: [11], kind: "linear" },
  ...activations.map((activation) => ({
    name: `activation "${activation}"`,
    layer: () => tf.layers.activation({ activation }),
    shape: spatial,
    kind: "piecewise" as const,
  })),
  {
    name: "reLU layer, maxValue 0.6",
    layer: () => tf.layers.reLU({ maxValue: 0.6 }),
    shape: spatial,
    kind: "piecewise",
  },
  { name: "leakyReLU", layer: () => tf.layers.leakyReLU({ alpha: 0.2 }), shape: spatial, kind: "piecewise" },
  { name: "prelu", layer: () => tf.layers.prelu({}), shape: spatial, kind: "piecewise" },
  // tfjs's ELU layer refuses any alpha but 1 with a clear error ("Non-default alpha value ... not supported").
  { name: "elu layer", layer: () => tf.layers.elu({}), shape: spatial, kind: "piecewise" },
  {
    name: "thresholdedReLU",
    layer: () => tf.layers.thresholdedReLU({ theta: 0.3 }),
    shape: spatial,
    kind: "piecewise",
  },
  // tfjs's softmax layer normalises axis 1 by default (Keras: the last axis) and tfjs's softmax only the last axis,
  // so the layer works on [batch, units], where a classifier uses it.
  { name: "softmax layer", layer: () => tf.layers.softmax({}), shape: [11], kind: "piecewise" },
];

function inputValues(kind: InputKind, random: () => number, count: number): Float32Array {
  if (kind === "linear" || kind === "smooth") return randomValues(random, count);
  const integers = distinctValues(random, count);
  return kind === "maximum" ? integers : integers.map((v) => 0.1 * v + 0.05);
}

/** Builds the case's layer on the active engine with the same weights everywhere, and checks its gradients. */
function runCase(c: LayerCase, batch: number): LayerGradientCheck {
  const random = seededRandom(c.name.length * 31 + batch);
  const shape = [batch, ...c.shape];
  const input = tf.tensor(inputValues(c.kind, random, tf.util.sizeFromShape(shape)), shape);
  const layer = c.layer();
  tf.tidy(() => layer.apply(input) as tf.Tensor);
  layer.setWeights(layer.getWeights().map((weight) => tf.tensor(randomValues(random, weight.size), weight.shape)));
  try {
    return checkLayerGradients(layer, input, { random, step: step[c.kind], samples: 8, training: c.training ?? true });
  } finally {
    layer.dispose();
    input.dispose();
  }
}

const references = new Map<string, LayerGradientCheck>();

/** The same case on the cpu engine (tfjs's reference backend plus cnnlab's fixes), computed once. */
async function onCpu(c: LayerCase, batch: number, engine: Engine): Promise<LayerGradientCheck> {
  const key = `${c.name}/${batch}`;
  let reference = references.get(key);
  if (reference === undefined) {
    await useBestBackend({ backend: "cpu", quiet: true });
    reference = runCase(c, batch);
    references.set(key, reference);
    await useBestBackend({ backend: engine, quiet: true });
  }
  return reference;
}

describe("engine: every layer a CNN course uses trains on every engine (gradients vs finite differences and vs cpu)", function () {
  this.timeout(60_000);
  returnToDefaultEngine();

  for (const engine of ["cpu", ...trainingEngines.filter((name) => name !== "cpu")] as Engine[]) {
    describe(`on ${engine}`, () => {
      for (const c of cases) {
        for (const batch of [1, 3]) {
          it(`${c.name}, batch ${batch}`, async function () {
            requireEngine(this, engine);
            await useBestBackend({ backend: engine, quiet: true });
            const check = runCase(c, batch);
            check.finiteDifferenceErrors.forEach((error, i) => {
              assert.ok(
                error <= finiteDifferenceTolerance[c.kind],
                `gradient of ${check.names[i]} vs finite differences: relative error ${error.toExponential(2)}`,
              );
            });
            if (engine === "cpu") return;
            const reference = await onCpu(c, batch, engine);
            assert.ok(
              relativeError(check.output, reference.output) <= crossEngineTolerance,
              `output vs cpu: ${relativeError(check.output, reference.output).toExponential(2)}`,
            );
            check.analytic.forEach((gradient, i) => {
              const error = relativeError(gradient, reference.analytic[i]);
              assert.ok(
                error <= crossEngineTolerance,
                `gradient of ${check.names[i]} vs cpu: relative error ${error.toExponential(2)}`,
              );
            });
          });
        }
      }
    });
  }
});

describe("engine: dropout scales the units it keeps by 1 / (1 − rate), and its gradient uses the same mask", function () {
  this.timeout(60_000);
  returnToDefaultEngine();
  const rate = 0.4;

  for (const engine of trainingEngines) {
    it(`on ${engine}`, async function () {
      requireEngine(this, engine);
      await useBestBackend({ backend: engine, quiet: true });
      const shape = [3, 9, 7, 4];
      const values = randomValues(seededRandom(5), tf.util.sizeFromShape(shape)).map((v) =>
        v >= 0 ? v + 0.5 : v - 0.5,
      );
      const x = tf.tensor(values, shape);
      const layer = tf.layers.dropout({ rate, seed: 11 });
      const [output, gradient] = tf.tidy(() => [
        (layer.apply(x, { training: true }) as tf.Tensor).dataSync(),
        tf
          .grad((input: tf.Tensor) => tf.sum(layer.apply(input, { training: true }) as tf.Tensor))(x)
          .dataSync(),
      ]);
      let kept = 0;
      for (let i = 0; i < values.length; i++) {
        const scale = output[i] / values[i];
        assert.ok(scale === 0 || Math.abs(scale - 1 / (1 - rate)) < 1e-5, `unit ${i}: output / input = ${scale}`);
        assert.ok(Math.abs(gradient[i] - scale) < 1e-5, `unit ${i}: gradient ${gradient[i]} vs mask scale ${scale}`);
        if (scale !== 0) kept++;
      }
      // 756 units kept with probability 0.6: 5 standard deviations either side is 0.51..0.69.
      assert.ok(Math.abs(kept / values.length - (1 - rate)) < 0.09, `kept ${kept} of ${values.length}`);
      const inference = tf.tidy(() => (layer.apply(x, { training: false }) as tf.Tensor).dataSync());
      assert.deepEqual(Array.from(inference), Array.from(x.dataSync()), "dropout is the identity in inference");
      x.dispose();
    });
  }
});
